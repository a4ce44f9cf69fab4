using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The heterodyne speed in one time window along the diagonal of the two-time maps: the series fit
/// (<see cref="HeterodyneSeriesFitter"/>, with its resolvability test) applied to the g2 of the window's square block.
/// Ages are seconds from the first frame of the series to the window's start, centre and end.
/// </summary>
public sealed record AgeWindowSpeed(int Window, int FirstFrame, int Frames, double StartS, double AgeS, double EndS, VelocityResult Velocity);

/// <summary>
/// Age-resolved speed: the correlator frames are cut into consecutive windows of equal length; in each, every bin's
/// g2(d) is the mean of C(t, t + d) over the pairs inside the window (d = 1 .. half the window), its error the standard
/// error of that mean over the window's independent stretches of d frames (the pairs t, t + d overlap for shifts below d),
/// and the speed is fitted with the same model and resolvability test as a whole series.
/// </summary>
public static class AgeResolvedSpeedFitter
{
    /// <param name="maps">Two-time maps of the bins to fit (one per dynamic bin of <paramref name="map"/>, equal frames).</param>
    /// <param name="correlatorFrameTimeS">Seconds between correlator frames (frame_time · stride · avg).</param>
    /// <param name="averagedFrames">Raw frames averaged into one correlator frame when they are contiguous (stride 1), else 1.</param>
    /// <param name="rawFrameTimeS">Raw frame time (s), for the averaging factor of the oscillation.</param>
    public static IReadOnlyList<AgeWindowSpeed> Fit(IReadOnlyList<TwoTimeBinMap> maps, QMap map, double correlatorFrameTimeS, int windows,
        FitOptions? options = null, int averagedFrames = 1, double rawFrameTimeS = 0.0)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(map);
        if (maps.Count == 0) throw new ArgumentException("no two-time maps", nameof(maps));
        if (!(correlatorFrameTimeS > 0)) throw new ArgumentOutOfRangeException(nameof(correlatorFrameTimeS));
        int n = maps[0].Frames;
        if (maps.Any(m => m.Frames != n)) throw new ArgumentException("maps of different frame counts", nameof(maps));
        if (windows < 1 || n / windows < 8) throw new ArgumentException($"{windows} windows of {n} frames leave fewer than 8 frames per window", nameof(windows));
        int width = n / windows, maxLag = width / 2;
        var spreads = BinOmegaSpread.OfQMap(map);
        int bins = maps.Count;
        var q = maps.Select(m => map.QOfBin(m.Bin)).ToArray();
        var chi = maps.Select(m => map.ChiOfBin(m.Bin)).ToArray();
        var pixels = maps.Select(m => m.Pixels).ToArray();
        var binSpreads = maps.Select(m => spreads[m.Bin]).ToArray();
        var delays = Enumerable.Range(1, maxLag).Select(d => d * correlatorFrameTimeS).ToArray();
        int[]? averaging = averagedFrames > 1 && rawFrameTimeS > 0 ? Enumerable.Repeat(averagedFrames, maxLag).ToArray() : null;
        var result = new AgeWindowSpeed[windows];
        for (int w = 0; w < windows; w++)
        {
            int first = w * width, end = first + width;
            var g2 = new double[maxLag * bins];
            var err = new double[maxLag * bins];
            Parallel.For(0, bins, b =>
            {
                for (int d = 1; d <= maxLag; d++)
                {
                    var (mean, sem) = DiagonalStatistics(maps[b], first, end, d);
                    g2[(d - 1) * bins + b] = mean;
                    err[(d - 1) * bins + b] = sem;
                }
            });
            var fit = HeterodyneSeriesFitter.Fit(delays, g2, err, q, chi, pixels, options, averaging, averaging is null ? 0.0 : rawFrameTimeS,
                spreads: binSpreads);
            result[w] = new AgeWindowSpeed(w, first, width, first * correlatorFrameTimeS, (first + 0.5 * width) * correlatorFrameTimeS,
                end * correlatorFrameTimeS, fit.Velocity);
        }
        return result;
    }

    /// <summary>Mean of C(t, t + d) over the window and its standard error, counting (pairs / d) independent pairs.</summary>
    private static (double Mean, double Sem) DiagonalStatistics(TwoTimeBinMap m, int first, int end, int d)
    {
        int count = 0;
        double sum = 0, sumSq = 0;
        for (int t = first; t + d < end; t++, count++)
        {
            double c = m.At(t, t + d);
            sum += c;
            sumSq += c * c;
        }
        if (count < 2) return (double.NaN, double.NaN);
        double mean = sum / count;
        double variance = Math.Max(0, (sumSq - count * mean * mean) / (count - 1));
        double independent = Math.Max(1.0, (double)count / d);
        return (mean, Math.Sqrt(variance / independent));
    }
}
