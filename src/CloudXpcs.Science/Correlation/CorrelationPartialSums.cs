using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Everything the per-bin g2 needs, summed over the pixels of one shard. Shards of disjoint pixels merge by
/// <see cref="Merge"/>; the merged sums give the same g2 as one correlator over all pixels (DATA_CONTRACT §3).
/// Matrices are row-major n_tau × n_bins.
/// </summary>
public sealed class CorrelationPartialSums
{
    internal CorrelationPartialSums(QMap qmap, long frames, IReadOnlyList<MultiTauLag> lags, bool withPixelArrays = true)
    {
        QMap = qmap;
        Frames = frames;
        Lags = lags;
        int nTau = lags.Count;
        StaticG2Sum = new double[nTau * qmap.StaticBinCount];
        StaticIpSum = new double[nTau * qmap.StaticBinCount];
        StaticIfSum = new double[nTau * qmap.StaticBinCount];
        StaticPixels = new int[qmap.StaticBinCount];
        RatioCount = new long[nTau * qmap.DynamicBinCount];
        RatioMean = new double[nTau * qmap.DynamicBinCount];
        RatioM2 = new double[nTau * qmap.DynamicBinCount];
        PixelSum = withPixelArrays ? new double[qmap.PixelCount] : [];
        BinnedIntensitySum = withPixelArrays ? new double[frames] : [];
    }

    /// <summary>Zero sums for a series and q-map, to be filled from storage (a shard's sums saved by another process).</summary>
    public static CorrelationPartialSums CreateEmpty(QMap qmap, long frames, IReadOnlyList<MultiTauLag> lags) => new(qmap, frames, lags);

    public QMap QMap { get; }
    public long Frames { get; }
    public IReadOnlyList<MultiTauLag> Lags { get; }

    /// <summary>Σ_p G2_p over the pixels of each static bin.</summary>
    public double[] StaticG2Sum { get; }
    public double[] StaticIpSum { get; }
    public double[] StaticIfSum { get; }
    public int[] StaticPixels { get; }

    /// <summary>Count, mean and sum of squared deviations (Chan et al.) of G2_p/(IP_p·IF_p) per dynamic bin.</summary>
    public long[] RatioCount { get; }
    public double[] RatioMean { get; }
    public double[] RatioM2 { get; }

    /// <summary>Σ_t I_p(t) for every pixel of the shard (0 elsewhere).</summary>
    public double[] PixelSum { get; }

    /// <summary>Σ_p over the binned pixels of the shard of I_p(t), per frame.</summary>
    public double[] BinnedIntensitySum { get; }

    /// <summary>Count, mean and sum of squared deviations of two groups of values together (Chan et al.).</summary>
    private static (long Count, double Mean, double M2) CombineMoments(long na, double meanA, double m2A, long nb, double meanB, double m2B)
    {
        long n = na + nb;
        if (n == 0) return (0, 0, 0);
        double delta = meanB - meanA;
        return (n, meanA + delta * nb / n, m2A + m2B + delta * delta * ((double)na * nb / n));
    }

    /// <summary>Sums of two disjoint pixel shards of the same series and q-map.</summary>
    public static CorrelationPartialSums Merge(CorrelationPartialSums a, CorrelationPartialSums b)
    {
        if (a.Frames != b.Frames || a.Lags.Count != b.Lags.Count || a.QMap.StaticBinCount != b.QMap.StaticBinCount
            || a.QMap.PixelCount != b.QMap.PixelCount || a.PixelSum.Length != b.PixelSum.Length)
            throw new ArgumentException("partial sums of different series or q-maps cannot be merged");
        var m = new CorrelationPartialSums(a.QMap, a.Frames, a.Lags, withPixelArrays: a.PixelSum.Length > 0);
        Add(a.StaticG2Sum, b.StaticG2Sum, m.StaticG2Sum);
        Add(a.StaticIpSum, b.StaticIpSum, m.StaticIpSum);
        Add(a.StaticIfSum, b.StaticIfSum, m.StaticIfSum);
        Add(a.PixelSum, b.PixelSum, m.PixelSum);
        Add(a.BinnedIntensitySum, b.BinnedIntensitySum, m.BinnedIntensitySum);
        for (int i = 0; i < m.StaticPixels.Length; i++) m.StaticPixels[i] = a.StaticPixels[i] + b.StaticPixels[i];
        for (int i = 0; i < m.RatioCount.Length; i++)
            (m.RatioCount[i], m.RatioMean[i], m.RatioM2[i]) =
                CombineMoments(a.RatioCount[i], a.RatioMean[i], a.RatioM2[i], b.RatioCount[i], b.RatioMean[i], b.RatioM2[i]);
        return m;
    }

    /// <summary>Copies the per-bin sums (not the per-pixel and per-frame arrays) from one instance to another.</summary>
    internal static void CopyBinSums(CorrelationPartialSums from, CorrelationPartialSums to)
    {
        Array.Copy(from.StaticG2Sum, to.StaticG2Sum, to.StaticG2Sum.Length);
        Array.Copy(from.StaticIpSum, to.StaticIpSum, to.StaticIpSum.Length);
        Array.Copy(from.StaticIfSum, to.StaticIfSum, to.StaticIfSum.Length);
        Array.Copy(from.RatioCount, to.RatioCount, to.RatioCount.Length);
        Array.Copy(from.RatioMean, to.RatioMean, to.RatioMean.Length);
        Array.Copy(from.RatioM2, to.RatioM2, to.RatioM2.Length);
    }

    private static void Add(double[] a, double[] b, double[] sum)
    {
        for (int i = 0; i < sum.Length; i++) sum[i] = a[i] + b[i];
    }

    /// <summary>The per-bin g2, g2_err, mean image and intensity vs time of DATA_CONTRACT §3.</summary>
    public MultiTauResult ToResult(double frameTimeS)
    {
        int nTau = Lags.Count, nDyn = QMap.DynamicBinCount, spd = QMap.Spec.StaticPerDynamic;
        var g2 = new double[nTau * nDyn];
        var err = new double[nTau * nDyn];
        for (int t = 0; t < nTau; t++)
        {
            for (int b = 0; b < nDyn; b++)
            {
                double sum = 0;
                int used = 0;
                for (int sub = 0; sub < spd; sub++)
                {
                    int s = b * spd + sub;
                    int n = StaticPixels[s];
                    if (n == 0) continue;
                    int i = t * QMap.StaticBinCount + s;
                    double denominator = (StaticIpSum[i] / n) * (StaticIfSum[i] / n);
                    if (denominator == 0) continue;
                    sum += (StaticG2Sum[i] / n) / denominator;
                    used++;
                }
                int d = t * nDyn + b;
                g2[d] = used > 0 ? sum / used : double.NaN;
                long count = RatioCount[d];
                err[d] = count > 0 ? Math.Sqrt(RatioM2[d] / count) / Math.Sqrt(count) : double.NaN;
            }
        }
        var image = new double[PixelSum.Length];
        for (int p = 0; p < image.Length; p++) image[p] = Frames > 0 ? PixelSum[p] / Frames : double.NaN;
        var intensity = new double[Frames];
        int binned = QMap.BinnedPixelCount;
        for (int t = 0; t < intensity.Length; t++) intensity[t] = binned > 0 ? BinnedIntensitySum[t] / binned : double.NaN;
        return new MultiTauResult
        {
            QMap = QMap, FrameTimeS = frameTimeS, Frames = Frames, Lags = Lags,
            G2 = g2, G2Err = err, Scattering2d = image, IntensityVsTime = intensity,
        };
    }
}
