using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Result of a multi-tau correlation (DATA_CONTRACT sections 3 and 5.1). Matrices are row-major
/// n_tau × n_bins: element (t, b) at index t·BinCount + b. Bins without pixels hold NaN.
/// </summary>
public sealed class MultiTauResult
{
    public required QMap QMap { get; init; }
    public required double FrameTimeS { get; init; }
    public required long Frames { get; init; }
    public required IReadOnlyList<MultiTauLag> Lags { get; init; }
    public required double[] G2 { get; init; }
    public required double[] G2Err { get; init; }
    /// <summary>Mean counts per pixel over all frames (rows·cols, row-major), every pixel.</summary>
    public required double[] Scattering2d { get; init; }
    /// <summary>Mean counts per binned pixel, one value per frame.</summary>
    public required double[] IntensityVsTime { get; init; }

    public int TauCount => Lags.Count;
    public int BinCount => QMap.DynamicBinCount;
    public long[] LagFrames => Lags.Select(l => l.LagFrames).ToArray();
    public double[] DelaysS => Lags.Select(l => l.LagFrames * FrameTimeS).ToArray();
    public double G2At(int tau, int bin) => G2[tau * BinCount + bin];
    public double G2ErrAt(int tau, int bin) => G2Err[tau * BinCount + bin];
}
