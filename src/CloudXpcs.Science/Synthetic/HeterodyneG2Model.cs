using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Synthetic;

/// <summary>The heterodyne g2 of DATA_CONTRACT section 4 (the study's Eq. 1), at one ω and averaged as a correlator sees it.</summary>
public static class HeterodyneG2Model
{
    /// <summary>Eq. 1: 1 + β(1−h)² + h²β·f² + 2h(1−h)β·cos(ωτ)·f, f = exp(−(τ/τ0)^γ).</summary>
    public static double G2(double tauS, double omegaRadPerS, double contrastBeta, double heterodyneFraction, double tau0S, double gamma)
    {
        double f = new StretchedExponential(tau0S, gamma).At(tauS);
        double h = heterodyneFraction;
        return 1.0 + contrastBeta * ((1 - h) * (1 - h) + h * h * f * f + 2 * h * (1 - h) * Math.Cos(omegaRadPerS * tauS) * f);
    }

    /// <summary>
    /// Expected multi-tau g2 of a series simulated from <paramref name="spec"/>, n_tau × n_bins row-major like
    /// <see cref="MultiTauResult.G2"/> (NaN for bins without pixels). It reproduces what the contract's estimator
    /// averages: for each static bin s, mean_p(μ_p²·g_p(τ)) / mean_p(μ_p)² with g_p Eq. 1 at the pixel's own ω_p
    /// (cos(ω_p τ) varies inside a bin, and a q-dependent μ_p weights it); at level l, the triangular average over the
    /// frame pairs of two sums of 2^l frames, Σ_{|d|&lt;L} (L−|d|)/L²·g(τ + dΔt), L = 2^l; then the mean over the
    /// static bins of each dynamic bin.
    /// </summary>
    public static double[] BinAveraged(HeterodyneSeriesSpec spec, QMap qmap, IReadOnlyList<MultiTauLag> lags)
    {
        spec.Validate();
        if (qmap.Geometry.Rows != spec.Geometry.Rows || qmap.Geometry.Cols != spec.Geometry.Cols)
            throw new ArgumentException("q map and simulated series have different detectors");
        var pixels = HeterodynePixelMap.Create(spec);
        int bins = qmap.DynamicBinCount;
        var result = new double[lags.Count * bins];
        var staticBinsUsed = new int[bins];

        long maxDelay = 0;
        foreach (var lag in lags) maxDelay = Math.Max(maxDelay, lag.LagFrames + (1L << lag.Level) - 1);
        var needed = new bool[maxDelay + 1];
        foreach (var lag in lags)
            for (long d = lag.LagFrames - (1L << lag.Level) + 1; d <= lag.LagFrames + (1L << lag.Level) - 1; d++) needed[d] = true;
        var f = new double[maxDelay + 1];
        for (int d = 0; d <= maxDelay; d++) f[d] = spec.Decorrelation.At(d * spec.FrameTimeS);

        double beta = spec.ContrastBeta, h = spec.HeterodyneFraction;
        var modelAtDelay = new double[maxDelay + 1];
        foreach (int[] members in PixelsOfStaticBins(qmap))
        {
            if (members.Length == 0) continue;
            double sumW = 0, sumW2 = 0;
            foreach (int p in members) { double w = pixels.MeanCountsPerFrame[p]; sumW += w; sumW2 += w * w; }
            double norm = members.Length / (sumW * sumW);
            for (int d = 0; d <= maxDelay; d++)
            {
                if (!needed[d]) continue;
                double cosSum = 0;
                foreach (int p in members)
                {
                    double w = pixels.MeanCountsPerFrame[p];
                    cosSum += w * w * Math.Cos(pixels.OmegaRadPerS[p] * d * spec.FrameTimeS);
                }
                modelAtDelay[d] = norm * (sumW2 * (1 + beta * (1 - h) * (1 - h) + beta * h * h * f[d] * f[d])
                                          + 2 * beta * h * (1 - h) * f[d] * cosSum);
            }
            int bin = qmap.DynamicBinOfPixel[members[0]];
            staticBinsUsed[bin]++;
            for (int t = 0; t < lags.Count; t++)
            {
                long width = 1L << lags[t].Level;
                double sum = 0;
                for (long d = 1 - width; d < width; d++) sum += (width - Math.Abs(d)) * modelAtDelay[lags[t].LagFrames + d];
                result[t * bins + bin] += sum / (width * width);
            }
        }
        for (int b = 0; b < bins; b++)
            for (int t = 0; t < lags.Count; t++)
                result[t * bins + b] = staticBinsUsed[b] > 0 ? result[t * bins + b] / staticBinsUsed[b] : double.NaN;
        return result;
    }

    private static int[][] PixelsOfStaticBins(QMap qmap)
    {
        var counts = qmap.StaticPixelCounts;
        var members = new int[counts.Length][];
        for (int s = 0; s < counts.Length; s++) members[s] = new int[counts[s]];
        var filled = new int[counts.Length];
        for (int p = 0; p < qmap.PixelCount; p++)
        {
            int s = qmap.StaticBinOfPixel[p];
            if (s >= 0) members[s][filled[s]++] = p;
        }
        return members;
    }
}
