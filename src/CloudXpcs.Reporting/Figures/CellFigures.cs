using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Results;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Figures;

/// <summary>A signed measured solvent velocity as drawn (from comparison.json, or fit.json signed by a prediction).</summary>
public sealed record VelocityPoint(double TimeMin, double PositionMm, double VEoAPerS, double VEoErrAPerS);

/// <summary>
/// Measured against predicted for the cell: current, concentration profiles at each measured time and solvent
/// velocities against time at each measured position, one line per transport set. Colour 0 is the measurement,
/// colour k+1 the k-th set.
/// </summary>
public static class CellFigures
{
    private const double PositionToleranceMm = 1e-6;
    private const double TimeToleranceMin = 1e-6;

    public static Figure? Current(CurrentSeriesJson? measured, IReadOnlyList<SimulationJson.Document> simulations)
    {
        var traces = new List<Trace>();
        if (measured is { TimeMin.Count: > 0 })
            traces.Add(new Trace("measured", measured.TimeMin.ToArray(), measured.CurrentMAPerCm2.ToArray(), TraceStyle.Points, 0));
        for (int k = 0; k < simulations.Count; k++)
            traces.Add(new Trace($"{simulations[k].Set} (predicted)", simulations[k].TimeMin, simulations[k].CurrentMAPerCm2, TraceStyle.Line, k + 1));
        if (traces.Count == 0) return null;
        string source = measured is { TimeMin.Count: > 0 } ? "measured current (echem.csv, as used by the comparison, points) and " : "";
        return new Figure("current.png", "Current density", "time (min)", "current density (mA/cm²)", traces,
            $"Cell current: {source}the continuum model's prediction for each transport set (lines).");
    }

    public static Figure? CurrentRatio(ComparisonDocument? comparison)
    {
        if (comparison is null) return null;
        var sets = comparison.Sets.Select((s, k) => (s.Set, s.Current, k)).Where(p => p.Current.TimeMin.Count > 0).ToList();
        if (sets.Count == 0) return null;
        var traces = sets.Select(p => new Trace(p.Set, p.Current.TimeMin.ToArray(), p.Current.RatioPredictedToMeasured.Select(r => r ?? double.NaN).ToArray(),
            TraceStyle.Line, p.k + 1)).ToList();
        traces.Add(new Trace(null, [sets.Min(p => p.Current.TimeMin[0]), sets.Max(p => p.Current.TimeMin[^1])], [1, 1], TraceStyle.Dashed, 0));
        return new Figure("current-ratio.png", "Predicted / measured current", "time (min)", "i predicted / i measured", traces,
            "Ratio of the predicted to the measured current for each transport set (comparison.json); dashed: 1.");
    }

    /// <summary>One figure per measured time: the measured profile and each set's profile at that time.</summary>
    public static IReadOnlyList<Figure> Profiles(IReadOnlyList<ProfilePointJson> measured, IReadOnlyList<SimulationJson.Document> simulations)
    {
        var figures = new List<Figure>();
        foreach (double time in Grids.DistinctWithin(measured.Select(p => p.TimeMin), TimeToleranceMin))
        {
            var points = measured.Where(p => Math.Abs(p.TimeMin - time) <= TimeToleranceMin).OrderBy(p => p.PositionMm).ToList();
            var traces = new List<Trace>
            {
                new("measured (XAM)", points.Select(p => p.PositionMm).ToArray(), points.Select(p => p.ConcentrationM).ToArray(),
                    TraceStyle.Points, 0, points.Select(p => p.ConcentrationErrM).ToArray()),
            };
            for (int k = 0; k < simulations.Count; k++)
                if (PredictedProfile(simulations[k], time) is { } profile)
                    traces.Add(new Trace($"{simulations[k].Set} (predicted)", simulations[k].XMm, profile, TraceStyle.Line, k + 1));
            string t = Grids.Number(time, "0.#");
            figures.Add(new Figure($"profile-t{Grids.Number(time, "0000.#")}.png", $"Concentration profile at t = {t} min", "position (mm)",
                "LiTFSI concentration (mol/L)", traces,
                $"Salt concentration across the cell at {t} min: XAM (points, total error) and the continuum model for each set " +
                "(lines, linear in time between the model's output times)."));
        }
        return figures;
    }

    /// <summary>
    /// Measured velocities: comparison.json's when it has them; else each resolvable fit.json speed, signed like the
    /// first simulation's prediction at its time and position (fits measure |v| only), unsigned without simulations.
    /// </summary>
    public static IReadOnlyList<VelocityPoint> MeasuredVelocities(ComparisonDocument? comparison, IReadOnlyList<SeriesResult> series,
        IReadOnlyList<SimulationJson.Document> simulations, out string source)
    {
        if (comparison is { Measured.Velocities.Count: > 0 })
        {
            source = "comparison.json (signed by the predicted direction)";
            return comparison.Measured.Velocities.Select(v => new VelocityPoint(v.TimeMin, v.PositionMm, v.VEoAPerS, v.VEoErrAPerS)).ToList();
        }
        var reference = simulations.Count > 0 ? simulations[0] : null;
        source = reference is null ? "fit.json speeds (|v|, unsigned: no simulation to take the direction from)"
            : $"fit.json speeds, signed like the {reference.Set} prediction";
        var points = new List<VelocityPoint>();
        foreach (var s in series)
        {
            if (s.Fit is not { Velocity: { Resolvable: true, SpeedAPerS: double v } velocity } fit) continue;
            double predicted = reference is null ? double.NaN : PredictedVelocity(reference, fit.PositionMm, fit.PolarizationTimeMin);
            double sign = double.IsFinite(predicted) && predicted < 0 ? -1 : 1;
            points.Add(new VelocityPoint(fit.PolarizationTimeMin, fit.PositionMm, sign * v, velocity.SpeedErrAPerS ?? 0));
        }
        return points;
    }

    /// <summary>One figure per measured position: v(t) measured and predicted, with the ratio measured/predicted as inset.</summary>
    public static IReadOnlyList<Figure> Velocities(IReadOnlyList<VelocityPoint> measured, IReadOnlyList<SimulationJson.Document> simulations, string source)
    {
        var figures = new List<Figure>();
        foreach (double position in Grids.DistinctWithin(measured.Select(p => p.PositionMm), PositionToleranceMm))
        {
            var points = measured.Where(p => Math.Abs(p.PositionMm - position) <= PositionToleranceMm).OrderBy(p => p.TimeMin).ToList();
            double[] times = points.Select(p => p.TimeMin).ToArray();
            var traces = new List<Trace> { new("measured", times, points.Select(p => p.VEoAPerS).ToArray(), TraceStyle.Points, 0, points.Select(p => p.VEoErrAPerS).ToArray()) };
            var ratios = new List<Trace>();
            for (int k = 0; k < simulations.Count; k++)
            {
                var sim = simulations[k];
                int ip = Grids.Nearest(sim.PositionsMm, position);
                if (sim.PositionsMm.Length == 0 || ip >= sim.VEoLabAPerS.Length) continue;
                traces.Add(new Trace($"{sim.Set} (predicted at {Grids.Number(sim.PositionsMm[ip], "0.00")} mm)", sim.TimeMin, sim.VEoLabAPerS[ip], TraceStyle.Line, k + 1));
                double[] ratio = points.Select(p => p.VEoAPerS / Grids.Interpolate(sim.TimeMin, sim.VEoLabAPerS[ip], p.TimeMin)).ToArray();
                var finite = Enumerable.Range(0, ratio.Length).Where(i => double.IsFinite(ratio[i])).ToArray();
                if (finite.Length > 0)
                    ratios.Add(new Trace(sim.Set, finite.Select(i => times[i]).ToArray(), finite.Select(i => ratio[i]).ToArray(), TraceStyle.Points, k + 1,
                        finite.Select(i => Math.Abs(points[i].VEoErrAPerS / Grids.Interpolate(sim.TimeMin, sim.VEoLabAPerS[ip], times[i]))).ToArray()));
            }
            Figure? inset = null;
            if (ratios.Count > 0)
            {
                ratios.Add(new Trace(null, [ratios.Min(r => r.X.Min()), ratios.Max(r => r.X.Max())], [1, 1], TraceStyle.Dashed, 0));
                inset = new Figure("", "measured / predicted", "t (min)", "ratio", ratios, "");
            }
            string x = Grids.Number(position, "+0.00;-0.00;0.00");
            figures.Add(new Figure($"velocity-x{x}.png", $"Solvent velocity at x = {x} mm", "time (min)", "v_EO, lab frame (Å/s)", traces,
                $"Solvent (polymer) velocity at {x} mm against time: measured from {source} (points) and the continuum model for each " +
                "set (lines); inset: measured / predicted at the measured times.", Inset: inset));
        }
        return figures;
    }

    public static double PredictedVelocity(SimulationJson.Document sim, double positionMm, double timeMin)
    {
        if (sim.PositionsMm.Length == 0) return double.NaN;
        int ip = Grids.Nearest(sim.PositionsMm, positionMm);
        return ip < sim.VEoLabAPerS.Length ? Grids.Interpolate(sim.TimeMin, sim.VEoLabAPerS[ip], timeMin) : double.NaN;
    }

    /// <summary>c(x) at <paramref name="timeMin"/>, linear between the model's output times; null outside its time range.</summary>
    public static double[]? PredictedProfile(SimulationJson.Document sim, double timeMin)
    {
        if (sim.TimeMin.Length == 0 || timeMin < sim.TimeMin[0] || timeMin > sim.TimeMin[^1]) return null;
        return Enumerable.Range(0, sim.XMm.Length)
            .Select(ix => Grids.Interpolate(sim.TimeMin, sim.ConcentrationM.Select(row => row[ix]).ToArray(), timeMin)).ToArray();
    }
}
