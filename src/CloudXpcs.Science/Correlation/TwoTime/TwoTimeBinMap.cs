namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// The two-time correlation of one dynamic bin: C(t1, t2) over the N correlator frames (row-major N × N, symmetric),
/// its diagonal average g2(d) = mean over t of C(t, t + d) for d = 0..N−1, and the same for <c>Segments</c>
/// consecutive pieces of L = ⌊N / Segments⌋ frames (row-major Segments × L).
/// </summary>
public sealed record TwoTimeBinMap(int Bin, int Pixels, int Frames, double[] C2, double[] G2, int Segments, double[] G2Segments)
{
    public int SegmentFrames => Frames / Segments;

    public double At(int t1, int t2) => C2[(long)t1 * Frames + t2];

    /// <summary>Mean of C(t, t + d) over t in [first, end − d), for d = 0..maxLag − 1.</summary>
    public static double[] DiagonalMeans(ReadOnlySpan<double> c2, int frames, int first, int end, int maxLag)
    {
        var means = new double[maxLag];
        for (int d = 0; d < maxLag; d++)
        {
            double sum = 0;
            int count = 0;
            for (int t = first; t + d < end; t++, count++) sum += c2[t * frames + t + d];
            means[d] = count > 0 ? sum / count : double.NaN;
        }
        return means;
    }
}
