using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Generator of a stationary circular complex Gaussian time series z(0..N−1) with E|z|² = 1 and
/// E[z*(t)·z(t+k)] = f(k·Δt) exactly. Implementations are immutable and thread-safe; the caller owns the workspace.
/// </summary>
public interface IStationaryFieldSeries
{
    int Frames { get; }
    /// <summary>Human-readable name of the method (goes into the truth).</summary>
    string Method { get; }
    Complex[] CreateWorkspace();
    /// <summary>Draws one series from <paramref name="rng"/>; the result lives in (and is overwritten with) the workspace.</summary>
    ReadOnlySpan<Complex> Generate(Random rng, Complex[] workspace);
}

public static class StationaryFieldSeries
{
    /// <summary>AR(1) for γ = 1 (exact and O(N)); circulant embedding otherwise.</summary>
    public static IStationaryFieldSeries Create(StretchedExponential correlation, int frames, double frameTimeS) =>
        correlation.Gamma == 1.0
            ? new Ar1FieldSeries(Math.Exp(-frameTimeS / correlation.Tau0S), frames)
            : CirculantEmbeddingFieldSeries.Create(correlation, frames, frameTimeS);
}

/// <summary>
/// z(0) ~ CN(0,1), z(t+1) = ρ·z(t) + sqrt(1 − ρ²)·ξ(t): the exact discrete sampling of a complex Ornstein–Uhlenbeck
/// process, E[z*(t) z(t+k)] = ρ^k = exp(−kΔt/τ0).
/// </summary>
public sealed class Ar1FieldSeries(double rho, int frames) : IStationaryFieldSeries
{
    public int Frames { get; } = frames;
    public double Rho { get; } = rho;
    public string Method => $"AR(1) exact update, rho = {Rho:R}";

    public Complex[] CreateWorkspace() => new Complex[Frames];

    public ReadOnlySpan<Complex> Generate(Random rng, Complex[] workspace)
    {
        double innovation = Math.Sqrt(Math.Max(0.0, 1.0 - Rho * Rho));
        Complex z = ComplexGaussian.Sample(rng);
        workspace[0] = z;
        for (int t = 1; t < Frames; t++)
        {
            z = Rho * z + innovation * ComplexGaussian.Sample(rng);
            workspace[t] = z;
        }
        return workspace.AsSpan(0, Frames);
    }
}

/// <summary>
/// Circulant embedding (Dietrich &amp; Newsam 1997; Wood &amp; Chan 1994). The covariance c_k = f(kΔt) is wrapped onto
/// a circle of M ≥ 2(N−1) points (M a power of two; c_{M−k} = c_k), whose circulant matrix has the eigenvalues
/// λ_j = Σ_k c_k e^{−2πijk/M}. With ξ_j ~ CN(0,1) independent, z = FFT(sqrt(λ/M)·ξ) is circular complex Gaussian with
/// E[z*(t) z(t+k)] = c_k exactly for |k| ≤ M/2, so its first N points have the target correlation exactly.
/// The λ_j are non-negative for 0 &lt; γ ≤ 1 (f convex: Pólya type); for 1 &lt; γ ≤ 2 M is doubled until the most
/// negative λ_j is below 1e−10 of the largest (round-off); those are set to 0. Cost: one complex FFT of M points per pixel.
/// </summary>
public sealed class CirculantEmbeddingFieldSeries : IStationaryFieldSeries
{
    /// <summary>Largest embedding tried (2^22 points, 64 MiB per workspace).</summary>
    public const int MaxEmbeddingSize = 1 << 22;
    private const double NegativeEigenvalueTolerance = 1e-10;

    private readonly double[] _sqrtEigenvalueOverM;

    private CirculantEmbeddingFieldSeries(int frames, double[] sqrtEigenvalueOverM, double clippedFraction)
    {
        Frames = frames;
        _sqrtEigenvalueOverM = sqrtEigenvalueOverM;
        ClippedEigenvalueFraction = clippedFraction;
    }

    public int Frames { get; }
    public int EmbeddingSize => _sqrtEigenvalueOverM.Length;
    /// <summary>Σ|negative λ| / Σλ that was set to zero (round-off level; 0 for γ ≤ 1).</summary>
    public double ClippedEigenvalueFraction { get; }
    public string Method => $"circulant embedding, M = {EmbeddingSize}, clipped eigenvalue fraction {ClippedEigenvalueFraction:E1}";

    public static CirculantEmbeddingFieldSeries Create(StretchedExponential correlation, int frames, double frameTimeS)
    {
        correlation.Validate();
        if (frames < 2) throw new ArgumentException($"frames must be >= 2 (got {frames})");
        int m = 2;
        while (m < 2 * (frames - 1)) m *= 2;
        for (; m <= MaxEmbeddingSize; m *= 2)
        {
            var eigen = new Complex[m];
            for (int k = 0; k <= m / 2; k++)
            {
                double c = correlation.At(k * frameTimeS);
                eigen[k] = c;
                if (k > 0 && k < m / 2) eigen[m - k] = c;
            }
            Fourier.Forward(eigen, FourierOptions.NoScaling);
            double max = 0, min = 0, sum = 0, negative = 0;
            foreach (var e in eigen)
            {
                max = Math.Max(max, e.Real);
                min = Math.Min(min, e.Real);
                sum += Math.Max(e.Real, 0.0);
                negative += Math.Max(-e.Real, 0.0);
            }
            if (min < -NegativeEigenvalueTolerance * max) continue;
            var scale = new double[m];
            for (int j = 0; j < m; j++) scale[j] = Math.Sqrt(Math.Max(eigen[j].Real, 0.0) / m);
            return new CirculantEmbeddingFieldSeries(frames, scale, negative / sum);
        }
        throw new ArgumentException(
            $"circulant embedding of exp(-(t/{correlation.Tau0S} s)^{correlation.Gamma}) for {frames} frames of {frameTimeS} s " +
            $"needs more than {MaxEmbeddingSize} points; use a shorter tau0 or gamma <= 1");
    }

    public Complex[] CreateWorkspace() => new Complex[EmbeddingSize];

    public ReadOnlySpan<Complex> Generate(Random rng, Complex[] workspace)
    {
        for (int j = 0; j < workspace.Length; j++) workspace[j] = _sqrtEigenvalueOverM[j] * ComplexGaussian.Sample(rng);
        Fourier.Forward(workspace, FourierOptions.NoScaling);
        return workspace.AsSpan(0, Frames);
    }
}
