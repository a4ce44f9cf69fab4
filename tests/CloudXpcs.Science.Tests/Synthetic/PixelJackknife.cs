using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Tests.Synthetic;

/// <summary>
/// Delete-one-group jackknife of the contract's g2 over random groups of pixels. Unlike g2_err (the spread of the
/// per-pixel normalised G2_p/(IP_p·IF_p)), it is the spread of the estimator itself, mean_p(G2)/(mean_p IP·mean_p IF),
/// so it also holds the finite number of speckles per bin (each pixel's time-averaged intensity differs, and the
/// ensemble estimator reads that variance as contrast, which per-pixel normalisation cancels).
/// </summary>
internal sealed class PixelJackknife
{
    private PixelJackknife(double[] g2, double[] biasCorrected, double[] sigma) { G2 = g2; BiasCorrectedG2 = biasCorrected; Sigma = sigma; }

    /// <summary>g2 of all pixels (equal to the unsplit correlator's), n_tau × n_bins.</summary>
    public double[] G2 { get; }
    /// <summary>
    /// K·g2 − (K−1)·mean_k g2_(−k): removes the O(1/pixels) bias of the ratio mean(G2)/(mean IP·mean IF), which is
    /// negative here (a bright speckle raises numerator and denominator together), about −0.1 β/n per static bin.
    /// </summary>
    public double[] BiasCorrectedG2 { get; }
    public double[] Sigma { get; }

    public static PixelJackknife Run(QMap map, IEnumerable<ReadOnlyMemory<ushort>> batches, long frames, int groups, int seed)
    {
        var rng = new Random(seed);
        var masks = new byte[groups][];
        for (int k = 0; k < groups; k++) masks[k] = new byte[map.PixelCount];
        for (int p = 0; p < map.PixelCount; p++) masks[rng.Next(groups)][p] = 1;
        var correlators = masks
            .Select(m => new MultiTauCorrelator(QMap.Build(map.Geometry, map.Spec, map.FlowAxisDeg, m), frames))
            .ToArray();
        foreach (var batch in batches)
            foreach (var c in correlators) c.AddFrames<ushort>(batch.Span);
        var sums = correlators.Select(c => c.ToPartialSums()).ToArray();

        int nTau = sums[0].Lags.Count, nStatic = map.StaticBinCount;
        var total = new StaticSums(nTau * nStatic, nStatic);
        foreach (var s in sums) total.Add(s, +1);
        var g2 = total.G2(map, nTau);
        var leaveOut = new double[groups][];
        for (int k = 0; k < groups; k++)
        {
            var without = total.Copy();
            without.Add(sums[k], -1);
            leaveOut[k] = without.G2(map, nTau);
        }
        var sigma = new double[g2.Length];
        var corrected = new double[g2.Length];
        for (int i = 0; i < g2.Length; i++)
        {
            double mean = 0;
            for (int k = 0; k < groups; k++) mean += leaveOut[k][i];
            mean /= groups;
            double ss = 0;
            for (int k = 0; k < groups; k++) ss += (leaveOut[k][i] - mean) * (leaveOut[k][i] - mean);
            sigma[i] = Math.Sqrt(ss * (groups - 1) / groups);
            corrected[i] = groups * g2[i] - (groups - 1) * mean;
        }
        return new PixelJackknife(g2, corrected, sigma);
    }

    private sealed class StaticSums(int values, int staticBins)
    {
        public double[] G2Sum = new double[values], IpSum = new double[values], IfSum = new double[values];
        public int[] Pixels = new int[staticBins];

        public StaticSums Copy() => new(G2Sum.Length, Pixels.Length)
        {
            G2Sum = (double[])G2Sum.Clone(), IpSum = (double[])IpSum.Clone(), IfSum = (double[])IfSum.Clone(), Pixels = (int[])Pixels.Clone(),
        };

        public void Add(CorrelationPartialSums s, int sign)
        {
            for (int i = 0; i < G2Sum.Length; i++)
            {
                G2Sum[i] += sign * s.StaticG2Sum[i];
                IpSum[i] += sign * s.StaticIpSum[i];
                IfSum[i] += sign * s.StaticIfSum[i];
            }
            for (int i = 0; i < Pixels.Length; i++) Pixels[i] += sign * s.StaticPixels[i];
        }

        /// <summary>DATA_CONTRACT §3: mean over the static bins of a dynamic bin of mean(G2)/(mean IP·mean IF).</summary>
        public double[] G2(QMap map, int nTau)
        {
            int nDyn = map.DynamicBinCount, spd = map.Spec.StaticPerDynamic;
            var result = new double[nTau * nDyn];
            for (int t = 0; t < nTau; t++)
            for (int b = 0; b < nDyn; b++)
            {
                double sum = 0;
                int used = 0;
                for (int sub = 0; sub < spd; sub++)
                {
                    int s = b * spd + sub, n = Pixels[s], i = t * map.StaticBinCount + s;
                    if (n == 0) continue;
                    double denominator = IpSum[i] / n * (IfSum[i] / n);
                    if (denominator == 0) continue;
                    sum += G2Sum[i] / n / denominator;
                    used++;
                }
                result[t * nDyn + b] = used > 0 ? sum / used : double.NaN;
            }
            return result;
        }
    }
}
