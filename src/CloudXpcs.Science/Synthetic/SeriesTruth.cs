namespace CloudXpcs.Science.Synthetic;

/// <summary>The true parameters of a simulated series (what truth.json records), and the method that made it.</summary>
public sealed record SeriesTruth(
    int Frames,
    double FrameTimeS,
    double FlowAxisDeg,
    double SpeedAPerS,
    double ContrastBeta,
    double HeterodyneFraction,
    double Tau0S,
    double Gamma,
    double MeanCountsPerPixelPerFrame,
    double ScatteringExponent,
    double ScatteringKneeQInvA,
    int Seed,
    double PositionMm,
    double PolarizationTimeMin,
    string SampleFieldMethod)
{
    /// <summary>ω = q·v·cos χ (rad/s) of the heterodyne oscillation at (q, χ).</summary>
    public double OmegaRadPerS(double qInvA, double chiDeg) => qInvA * SpeedAPerS * Math.Cos(chiDeg * (Math.PI / 180.0));

    public static SeriesTruth Of(HeterodyneSeriesSpec spec, string sampleFieldMethod) => new(
        spec.Frames, spec.FrameTimeS, spec.FlowAxisDeg, spec.SpeedAPerS, spec.ContrastBeta, spec.HeterodyneFraction,
        spec.Tau0S, spec.Gamma, spec.MeanCountsPerPixelPerFrame, spec.Scattering.PowerLawExponent,
        spec.Scattering.KneeQInvA, spec.Seed, spec.PositionMm, spec.PolarizationTimeMin, sampleFieldMethod);
}
