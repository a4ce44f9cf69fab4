namespace CloudXpcs.Science.Continuum;

/// <summary>
/// The quantitative statements of Steinrück et al. (EES 2020) about their own model, evaluated on one comparison:
/// <list type="bullet">
/// <item>the predicted current agrees with the measured one within 10 % over 10–1000 min (<see cref="MaxCurrentDeviation"/>);</item>
/// <item>profiles are symmetric with the concentration-independent RS t₊⁰ and asymmetric with PNB
/// (<see cref="MeanSimulatedAsymmetry"/> over the developed profiles, t ≥ 300 min, against <see cref="MeanMeasuredAsymmetry"/>);</item>
/// <item>measured/predicted EO speed over 200–400 min is 1.19 ± 0.10 (<see cref="MeasuredOverPredictedSpeed"/>, mean
/// over positions, and its standard deviation over positions).</item>
/// </list>
/// </summary>
public sealed record StudyChecks(string TransportSetName, double MaxCurrentDeviation, double MeanCurrentRatio,
    double MeanSimulatedAsymmetry, double MeanMeasuredAsymmetry, double MeasuredOverPredictedSpeed, double MeasuredOverPredictedSpeedSpread)
{
    public const double StudyCurrentTolerance = 0.10;
    public const double StudySpeedRatio = 1.19, StudySpeedRatioUncertainty = 0.10;
    public const double CurrentWindowStartS = 10 * 60, CurrentWindowEndS = 1000 * 60, DevelopedProfileS = 300 * 60;

    public bool CurrentWithinStudyTolerance => MaxCurrentDeviation <= StudyCurrentTolerance;
    public bool SpeedRatioWithinStudyInterval => Math.Abs(MeasuredOverPredictedSpeed - StudySpeedRatio) <= StudySpeedRatioUncertainty;

    public static StudyChecks Evaluate(CellComparison comparison)
    {
        var window = comparison.Currents.Where(c => c.TimeS >= CurrentWindowStartS && c.TimeS <= CurrentWindowEndS).ToList();
        var developed = comparison.Profiles.Where(p => p.TimeS >= DevelopedProfileS).ToList();
        var speed = comparison.Velocities.Where(v => v.Points > 0 && v.SimulatedMeanSpeedMPerS > 0).Select(v => 1.0 / v.Ratio).ToList();
        double meanSpeed = speed.Count > 0 ? speed.Average() : double.NaN;
        return new StudyChecks(comparison.TransportSetName,
            window.Count > 0 ? window.Max(c => Math.Abs(c.Ratio - 1)) : double.NaN,
            window.Count > 0 ? window.Average(c => c.Ratio) : double.NaN,
            developed.Count > 0 ? developed.Average(p => p.SimulatedAsymmetry) : double.NaN,
            developed.Count > 0 ? developed.Average(p => p.MeasuredAsymmetry) : double.NaN,
            meanSpeed,
            speed.Count > 1 ? Math.Sqrt(speed.Sum(s => (s - meanSpeed) * (s - meanSpeed)) / (speed.Count - 1)) : double.NaN);
    }

    public override string ToString() => FormattableString.Invariant(
        $"{TransportSetName}: current sim/meas over 10-1000 min max |dev| {MaxCurrentDeviation:P1} (mean ratio {MeanCurrentRatio:F3}; study: within 10 %), ") +
        FormattableString.Invariant($"profile asymmetry (t >= 300 min) simulated {MeanSimulatedAsymmetry:F3}, measured {MeanMeasuredAsymmetry:F3}, ") +
        FormattableString.Invariant($"measured/predicted EO speed 200-400 min {MeasuredOverPredictedSpeed:F2} +- {MeasuredOverPredictedSpeedSpread:F2} (study: 1.19 +- 0.10)");
}
