using CloudXpcs.Data.Hdf5;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Figures;

/// <summary>The two-time figures: the map of one q of a series, and the age-resolved speed of every series.</summary>
public static class TwoTimeFigures
{
    private const int MaxImageSide = 256;

    /// <summary>The two-time map of the middle processed bin of a series' g2.h5 (null when it holds none), block-averaged to at most 256².</summary>
    public static Figure? Map(RunInputs inputs, SeriesResult series)
    {
        string path = Path.Combine(inputs.RunDir, RunInputs.XpcsFolder, series.Series, RunInputs.G2FileName);
        if (!File.Exists(path) || G2TwoTimeFile.Read(path) is not { } twoTime) return null;
        int k = twoTime.ProcessedColumns.Length / 2;
        var map = G2TwoTimeFile.ReadMap(path, k);
        int n = twoTime.Frames, step = (n + MaxImageSide - 1) / MaxImageSide, side = n / step;
        var image = new double[side * side];
        for (int a = 0; a < side; a++)
            for (int b = 0; b < side; b++)
            {
                double sum = 0;
                for (int i = 0; i < step; i++)
                    for (int j = 0; j < step; j++) sum += map[(long)(a * step + i) * n + b * step + j];
                image[a * side + b] = sum / (step * step);
            }
        // The diagonal carries the shot noise (t1 = t2); the colour scale follows the off-diagonal values.
        for (int a = 0; a < side; a++) image[a * side + a] = side > 1 ? image[a * side + (a > 0 ? a - 1 : 1)] : image[0];
        double frameTimeS = series.G2?.FrameTimeS is { } t && t > 0 ? t * twoTime.StrideFrames * twoTime.AverageFrames : 1.0;
        double extent = side * step * frameTimeS;
        int column = twoTime.ProcessedColumns[k];
        string bin = series.G2 is { } g2 && column - 1 < g2.DynamicPixelCounts.Length ? $"g2 column {column}" : $"column {column}";
        return new Figure($"twotime-{XpcsFigures.Slug(series.Series)}.png", $"{series.Series}: two-time C(t1, t2), {bin}", "t2 (s)", "t1 (s)", [],
            $"Two-time correlation of {series.Series} for one processed bin ({bin} of g2.h5, /xpcs/twotime), " +
            $"{n} correlator frames (avg {twoTime.AverageFrames}, stride {twoTime.StrideFrames})" +
            (step > 1 ? $", averaged in blocks of {step} x {step} frames for the figure" : "") + "; the diagonal (t1 = t2, shot noise) is drawn as its neighbour. " +
            "Flow shows as fringes parallel to the diagonal whose spacing is the oscillation period; a changing speed bends their spacing along the diagonal.",
            Image: new FigureImage(image, side, side, extent, extent, "C(t1, t2)"));
    }

    /// <summary>Speed in each time window along the two-time diagonal (fit.json age_resolved_speed), one trace per series (position).</summary>
    public static Figure? SpeedVsAge(IReadOnlyList<SeriesResult> series)
    {
        var traces = new List<Trace>();
        int colour = 0;
        foreach (var s in series)
        {
            if (s.Fit?.AgeResolvedSpeed is not { Count: > 0 } windows) continue;
            var resolved = windows.Where(w => w.Velocity is { Resolvable: true, SpeedAPerS: not null }).ToList();
            if (resolved.Count == 0) continue;
            string label = double.IsFinite(s.Fit.PositionMm) ? $"{s.Series} ({Grids.Number(s.Fit.PositionMm, "0.##")} mm)" : s.Series;
            traces.Add(new Trace(label, resolved.Select(w => w.AgeS).ToArray(), resolved.Select(w => w.Velocity.SpeedAPerS!.Value).ToArray(),
                TraceStyle.Points, colour, resolved.Select(w => w.Velocity.SpeedErrAPerS ?? 0).ToArray()));
            if (s.SpeedAPerS is double v)
                traces.Add(new Trace(null, [windows[0].StartS, windows[^1].EndS], [v, v], TraceStyle.Dashed, colour));
            colour++;
        }
        return traces.Count == 0 ? null : new Figure("speed-age.png", "Speed against age within each series", "age in the series (s)", "|v| (Å/s)", traces,
            "Heterodyne speed fitted in time windows along the diagonal of the two-time maps (points: windows whose speed passes the " +
            "no-flow test, with 1σ errors), one colour per series (position); dashed: the speed of the whole series (multi-tau fit).");
    }
}
