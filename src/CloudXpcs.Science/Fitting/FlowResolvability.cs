namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The test of a series' speed against the no-flow model (issue [I] point 4), over every bin that could be fitted
/// (not only the bins whose own oscillation passed, which would select noise that happens to oscillate):
/// <list type="bullet">
/// <item><see cref="LikelihoodRatio"/>: Δχ² between pure relaxation in every bin (ω = 0) and the heterodyne model
/// with one shared speed (ω_b = v·q_b|cos χ_b|), divided by <see cref="Inflation"/>, the factor by which the bins'
/// scores on v scatter more than g2_err predicts (correlated multi-tau delays), never below 1 or the reduced χ²;
/// asymptotically ½χ²₀ + ½χ²₁ under no flow (v ≥ 0), plus the look-elsewhere effect of a periodic likelihood in v;</item>
/// <item><see cref="ConsistentBins"/> of <see cref="OscillatingBins"/>: bins with a measurable oscillation of their own
/// whose ω lies within <see cref="FitOptions.OutlierSigma"/> of their standard errors (not rescaled by the scatter)
/// of v·q|cos χ|, i.e. the bin-to-bin consistency of ω/(q|cos χ|).</item>
/// </list>
/// </summary>
public sealed record FlowResolvability(double LikelihoodRatio, double Inflation, int TestedBins, int OscillatingBins, int ConsistentBins);
