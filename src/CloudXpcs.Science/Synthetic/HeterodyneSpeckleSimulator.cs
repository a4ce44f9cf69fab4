using System.Numerics;
using MathNet.Numerics.Distributions;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Heterodyne XPCS speckle simulator: Poisson photon counts of a static reference speckle plus a flowing,
/// decorrelating sample speckle, whose intensity autocorrelation is the study's Eq. 1 (DATA_CONTRACT section 4).
/// <para>Physics, per pixel p (each pixel is an independent speckle):</para>
/// <list type="bullet">
/// <item>Field E_p(t) = sqrt(1−h)·R_p + sqrt(h)·S_p(t)·e^{iω_p t}. R_p ~ CN(0,1) is static (reference, share 1−h of
/// the mean intensity). S_p is a stationary CN(0,1) series with E[S*(t)S(t+τ)] = f(τ) = exp(−(τ/τ0)^γ), drawn by
/// <see cref="StationaryFieldSeries"/> (exact AR(1) for γ = 1, exact circulant embedding otherwise); ω_p = q_p·v·cos χ_p.</item>
/// <item>Partial coherence: I_p(t) = μ_p·(sqrt(β)·|E_p(t)|² + 1 − sqrt(β)), a fully coherent part plus a constant
/// incoherent part with the same mean. Averaged over the speckle ensemble,
/// E[I(t)I(t+τ)]/μ² = 1 + β·(E[|E|²|E'|²] − 1) = 1 + β(1−h)² + βh²f² + 2βh(1−h)f·cos(ωτ): Eq. 1 exactly, any 0 &lt; β ≤ 1.</item>
/// <item>Counts n_p(t) ~ Poisson(I_p(t)), saturating at 65535. Shot noise adds only at τ = 0, which multi-tau never uses.</item>
/// </list>
/// <para>Randomness: one <see cref="Random"/> per pixel, seeded from (seed, pixel) by SplitMix64, so the output depends
/// only on the spec, not on threading. Memory: the whole series is generated per block of 32 pixels over the full time
/// axis into one frame-major ushort buffer (frames·pixels·2 bytes, at most <see cref="MaxSeriesBytes"/>; 128 MiB for
/// 128×128×4096) plus per-thread workspaces of one complex series (16 bytes × N for AR(1), × M ≈ 2N..4N for circulant).</para>
/// </summary>
public sealed class HeterodyneSpeckleSimulator
{
    public const long MaxSeriesBytes = 256L * 1024 * 1024;
    private const int PixelsPerBlock = 32;

    private readonly HeterodynePixelMap _pixels;
    private readonly IStationaryFieldSeries _sampleField;
    private ushort[]? _buffered;

    public HeterodyneSpeckleSimulator(HeterodyneSeriesSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        long bytes = (long)spec.Frames * spec.Geometry.PixelCount * sizeof(ushort);
        if (bytes > MaxSeriesBytes)
            throw new ArgumentException(
                $"simulated series of {spec.Frames} frames x {spec.Geometry.Rows}x{spec.Geometry.Cols} pixels needs {bytes / (1024 * 1024)} MiB; " +
                $"the simulator buffers at most {MaxSeriesBytes / (1024 * 1024)} MiB: use fewer frames or a reduced (binned) detector");
        Spec = spec;
        _pixels = HeterodynePixelMap.Create(spec);
        _sampleField = StationaryFieldSeries.Create(spec.Decorrelation, spec.Frames, spec.FrameTimeS);
        Truth = SeriesTruth.Of(spec, _sampleField.Method);
    }

    public HeterodyneSeriesSpec Spec { get; }
    public SeriesTruth Truth { get; }
    public HeterodynePixelMap Pixels => _pixels;

    /// <summary>The whole series, frame-major (frame, row, col). A new array each call, identical for the same spec.</summary>
    public ushort[] GenerateFrames()
    {
        int pixels = Spec.Geometry.PixelCount;
        int frames = Spec.Frames;
        var output = new ushort[(long)frames * pixels];
        int blocks = (pixels + PixelsPerBlock - 1) / PixelsPerBlock;
        Parallel.For(0, blocks,
            () => new BlockWorker(_sampleField.CreateWorkspace(), new ushort[frames * PixelsPerBlock]),
            (block, _, worker) =>
            {
                int first = block * PixelsPerBlock;
                int width = Math.Min(PixelsPerBlock, pixels - first);
                for (int j = 0; j < width; j++) SimulatePixel(first + j, worker, j);
                for (int t = 0; t < frames; t++)
                    worker.Counts.AsSpan(t * PixelsPerBlock, width).CopyTo(output.AsSpan(t * pixels + first, width));
                return worker;
            },
            _ => { });
        return output;
    }

    /// <summary>
    /// The series in time order as consecutive batches of at most <paramref name="maxFramesPerBatch"/> whole frames
    /// (frame-major). The series is generated once, on the first enumeration, and kept; batches are views of it.
    /// Not thread-safe: enumerate from one thread at a time.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<ushort>> FrameBatches(int maxFramesPerBatch)
    {
        if (maxFramesPerBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxFramesPerBatch), "must be >= 1");
        return Enumerate();

        IEnumerable<ReadOnlyMemory<ushort>> Enumerate()
        {
            _buffered ??= GenerateFrames();
            int pixels = Spec.Geometry.PixelCount;
            for (int first = 0; first < Spec.Frames; first += maxFramesPerBatch)
            {
                int count = Math.Min(maxFramesPerBatch, Spec.Frames - first);
                yield return new ReadOnlyMemory<ushort>(_buffered, first * pixels, count * pixels);
            }
        }
    }

    private void SimulatePixel(int pixel, BlockWorker worker, int lane)
    {
        var rng = new Random(PixelSeed(Spec.Seed, pixel));
        double h = Spec.HeterodyneFraction;
        double sqrtBeta = Math.Sqrt(Spec.ContrastBeta);
        double mean = _pixels.MeanCountsPerFrame[pixel];
        double omegaPerFrame = _pixels.OmegaRadPerS[pixel] * Spec.FrameTimeS;
        // A linear ramp of ω from the first to the last frame: the phase is its integral.
        double rampPerFrame2 = (_pixels.OmegaEndRadPerS[pixel] - _pixels.OmegaRadPerS[pixel]) * Spec.FrameTimeS / (2.0 * (Spec.Frames - 1));
        Complex reference = Math.Sqrt(1.0 - h) * ComplexGaussian.Sample(rng);
        ReadOnlySpan<Complex> sample = _sampleField.Generate(rng, worker.Workspace);
        double sampleAmplitude = Math.Sqrt(h);
        var counts = worker.Counts;
        for (int t = 0; t < sample.Length; t++)
        {
            (double sin, double cos) = Math.SinCos(omegaPerFrame * t + rampPerFrame2 * t * (double)t);
            Complex field = reference + sampleAmplitude * sample[t] * new Complex(cos, sin);
            double intensity = mean * (sqrtBeta * (field.Real * field.Real + field.Imaginary * field.Imaginary) + 1.0 - sqrtBeta);
            int n = intensity > 0 ? Poisson.Sample(rng, intensity) : 0;
            counts[t * PixelsPerBlock + lane] = (ushort)Math.Min(n, ushort.MaxValue);
        }
    }

    /// <summary>SplitMix64 of (seed, pixel), folded to a non-negative int seed.</summary>
    internal static int PixelSeed(int seed, int pixel)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)pixel) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    private sealed record BlockWorker(Complex[] Workspace, ushort[] Counts);
}
