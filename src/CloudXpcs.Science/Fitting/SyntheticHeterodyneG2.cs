using System.Numerics;
using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Synthetic g2 of a flowing sample, for tests and benchmarks of the fit (not a correlator): Eq. 1 with ω_b = q_b·v·|cos χ_b| at the
/// delays of the multi-tau ladder, optionally averaged over each lag's 2^level frames exactly as binned multi-tau
/// does (triangular weights over τ ± (L−1) frames), plus Gaussian noise whose σ grows as 1/sqrt(pairs) with lag and
/// falls as 1/sqrt(pixels) with bin size, like the g2_err of DATA_CONTRACT section 3.
/// </summary>
public sealed class SyntheticHeterodyneG2
{
    /// <summary>The study's typical geometry: 4096 frames of 0.2 s, 4 delays per level, 9 q × 18 χ bins.</summary>
    public const double FrameTimeS = 0.2;
    public const int Frames = 4096;
    public const int DelaysPerLevel = 4;

    public required double SpeedAPerS { get; init; }
    public int QBins { get; init; } = 9;
    public int ChiBins { get; init; } = 18;
    public double QMinInvA { get; init; } = 0.0029;
    public double QMaxInvA { get; init; } = 0.0192;
    /// <summary>σ of g2 at lag 1 for a bin of 500 pixels.</summary>
    public double NoiseAtLag1For500Pixels { get; init; } = 0.003;
    /// <summary>Apply the exact binned multi-tau average (and tell the fitter the averaging widths).</summary>
    public bool MultiTauAveraged { get; init; } = true;
    /// <summary>Per-bin parameters drawn around these: β in [0.1, 0.3], h in [0.3, 0.7], τ0 in the range, γ fixed.</summary>
    public double Tau0MinS { get; init; } = 100.0;
    public double Tau0MaxS { get; init; } = 500.0;
    public double Gamma { get; init; } = 1.0;
    /// <summary>Bins given only this many pixels (to test exclusion): indices.</summary>
    public int[] StarvedBins { get; init; } = [];

    public double[] DelaysS { get; private set; } = [];
    public int[] AveragingFrames { get; private set; } = [];
    public double[] G2 { get; private set; } = [];
    public double[] G2Err { get; private set; } = [];
    public double[] QInvA { get; private set; } = [];
    public double[] ChiDeg { get; private set; } = [];
    public int[] PixelCounts { get; private set; } = [];
    public HeterodyneParameters[] TrueParameters { get; private set; } = [];
    public int BinCount => QBins * ChiBins;

    public SyntheticHeterodyneG2 Generate(int seed)
    {
        var rng = new Random(seed);
        var lags = MultiTauLadder.Create(Frames, DelaysPerLevel);
        DelaysS = lags.Select(l => l.LagFrames * FrameTimeS).ToArray();
        AveragingFrames = lags.Select(l => 1 << l.Level).ToArray();
        long[] pairs = lags.Select(l => MultiTauLadder.BinnedFrames(Frames, l.Level) - l.K).ToArray();
        int nb = BinCount, nt = lags.Count;
        QInvA = new double[nb]; ChiDeg = new double[nb]; PixelCounts = new int[nb];
        TrueParameters = new HeterodyneParameters[nb];
        G2 = new double[nt * nb]; G2Err = new double[nt * nb];
        double dq = (QMaxInvA - QMinInvA) / QBins, dchi = 360.0 / ChiBins;
        for (int b = 0; b < nb; b++)
        {
            int iq = b / ChiBins, ichi = b % ChiBins;
            QInvA[b] = QMinInvA + (iq + 0.5) * dq;
            ChiDeg[b] = -180.0 + (ichi + 0.5) * dchi;
            PixelCounts[b] = StarvedBins.Contains(b) ? 5 : 60 + 120 * iq;   // annuli grow with q
            double omega = QInvA[b] * SpeedAPerS * Math.Abs(Math.Cos(ChiDeg[b] * Math.PI / 180.0));
            var p = new HeterodyneParameters(
                Beta: 0.1 + 0.2 * rng.NextDouble(),
                H: 0.3 + 0.4 * rng.NextDouble(),
                Tau0S: Tau0MinS * Math.Pow(Tau0MaxS / Tau0MinS, rng.NextDouble()),
                Gamma: Gamma,
                OmegaRadPerS: omega);
            TrueParameters[b] = p;
            for (int t = 0; t < nt; t++)
            {
                double mean = MultiTauAveraged ? AveragedModel(p, lags[t].LagFrames, AveragingFrames[t]) : HeterodyneModel.Evaluate(p, DelaysS[t]);
                double sigma = NoiseAtLag1For500Pixels * Math.Sqrt((double)(Frames - 1) / pairs[t]) * Math.Sqrt(500.0 / PixelCounts[b]);
                G2[t * nb + b] = mean + sigma * Gaussian(rng);
                G2Err[t * nb + b] = sigma;
            }
        }
        return this;
    }

    public SeriesFit Fit(FitOptions? options = null) => HeterodyneSeriesFitter.Fit(DelaysS, G2, G2Err, QInvA, ChiDeg, PixelCounts, options,
        MultiTauAveraged ? AveragingFrames : null, MultiTauAveraged ? FrameTimeS : 0.0);

    /// <summary>
    /// Exact expectation of binned multi-tau g2 at lag τ = lagFrames·δ with L frames per bin:
    /// (1/L²) Σ_{j,j'} g2(τ + (j'−j)δ). For γ = 1 the sums factor into geometric series; otherwise summed directly.
    /// </summary>
    public static double AveragedModel(in HeterodyneParameters p, long lagFrames, int l)
    {
        double tau = lagFrames * FrameTimeS;
        if (l == 1) return HeterodyneModel.Evaluate(p, tau);
        double a0 = 1.0 + p.Beta * (1 - p.H) * (1 - p.H), a1 = p.H * p.H * p.Beta, a2 = 2 * p.H * (1 - p.H) * p.Beta;
        if (p.Gamma == 1.0)
        {
            double r = Math.Exp(-2.0 * FrameTimeS / p.Tau0S);
            double e2 = Math.Exp(-2.0 * tau / p.Tau0S) * (Geometric(r, l) * Geometric(1.0 / r, l)).Real / ((double)l * l);
            var z = Complex.Exp(new Complex(-1.0 / p.Tau0S, p.OmegaRadPerS) * FrameTimeS);
            Complex s = Geometric(z, l) * Geometric(1.0 / z, l) / ((double)l * l);
            double osc = (Complex.Exp(new Complex(-tau / p.Tau0S, p.OmegaRadPerS * tau)) * s).Real;
            return a0 + a1 * e2 + a2 * osc;
        }
        double sum = 0;
        for (int m = -(l - 1); m <= l - 1; m++) sum += (l - Math.Abs(m)) * HeterodyneModel.Evaluate(p, (lagFrames + m) * FrameTimeS);
        return sum / ((double)l * l);
    }

    private static Complex Geometric(Complex z, int count)
    {
        Complex sum = 0, term = 1;
        for (int j = 0; j < count; j++) { sum += term; term *= z; }
        return sum;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
