using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Everything that defines one simulated heterodyne XPCS series (see <see cref="HeterodyneSpeckleSimulator"/>).
/// Speeds in Å/s and q in Å⁻¹, so ω = q·v·cos χ is in rad/s.
/// </summary>
public sealed record HeterodyneSeriesSpec
{
    public required DetectorGeometry Geometry { get; init; }
    /// <summary>Flow direction in the detector plane, degrees from +col (φ = 0); χ = φ − flow axis.</summary>
    public double FlowAxisDeg { get; init; }
    public required int Frames { get; init; }
    public required double FrameTimeS { get; init; }
    /// <summary>Flow speed (Å/s). Only |v| is visible in g2; the sign is kept in the truth.</summary>
    public required double SpeedAPerS { get; init; }
    /// <summary>When set, the speed ramps linearly from <see cref="SpeedAPerS"/> at the first frame to this at the last
    /// (the phase is the integral of ω, so g2 within a short window sees the local speed); null: constant speed.</summary>
    public double? SpeedEndAPerS { get; init; }
    /// <summary>Speckle contrast β, 0 &lt; β ≤ 1.</summary>
    public double ContrastBeta { get; init; } = 0.2;
    /// <summary>Heterodyne fraction h: the sample's share of the mean intensity, 0 ≤ h ≤ 1 (1 − h is the static reference).</summary>
    public double HeterodyneFraction { get; init; } = 0.5;
    public required double Tau0S { get; init; }
    public double Gamma { get; init; } = 1.0;
    /// <summary>Mean photon count per pixel per frame, averaged over all detector pixels.</summary>
    public double MeanCountsPerPixelPerFrame { get; init; } = 0.05;
    public ScatteringProfile Scattering { get; init; } = ScatteringProfile.Flat;
    public int Seed { get; init; }
    /// <summary>Metadata carried into <see cref="SeriesTruth"/> (not used by the physics).</summary>
    public double PositionMm { get; init; }
    public double PolarizationTimeMin { get; init; }

    public StretchedExponential Decorrelation => new(Tau0S, Gamma);

    public void Validate()
    {
        Geometry.Validate();
        if (Frames < 2) throw new ArgumentException($"frames must be >= 2 (got {Frames})");
        if (!(FrameTimeS > 0) || !double.IsFinite(FrameTimeS)) throw new ArgumentException($"frame_time_s must be positive (got {FrameTimeS})");
        if (!double.IsFinite(SpeedAPerS)) throw new ArgumentException($"speed must be finite (got {SpeedAPerS})");
        if (SpeedEndAPerS is { } end && !double.IsFinite(end)) throw new ArgumentException($"end speed must be finite (got {end})");
        if (!double.IsFinite(FlowAxisDeg)) throw new ArgumentException($"flow_axis_deg must be finite (got {FlowAxisDeg})");
        if (!(ContrastBeta > 0 && ContrastBeta <= 1)) throw new ArgumentException($"contrast beta must be in (0, 1] (got {ContrastBeta})");
        if (!(HeterodyneFraction >= 0 && HeterodyneFraction <= 1)) throw new ArgumentException($"heterodyne fraction h must be in [0, 1] (got {HeterodyneFraction})");
        if (!(MeanCountsPerPixelPerFrame > 0) || MeanCountsPerPixelPerFrame > 1000)
            throw new ArgumentException($"mean counts per pixel per frame must be in (0, 1000] (got {MeanCountsPerPixelPerFrame})");
        Decorrelation.Validate();
        Scattering.Validate();
    }
}
