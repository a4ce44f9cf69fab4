namespace CloudXpcs.Science.Fitting;

/// <summary>Settings of the heterodyne fit and the velocity estimate. The defaults suit the study's geometry.</summary>
public sealed record FitOptions
{
    /// <summary>Bins with fewer pixels are not fitted (ok = false).</summary>
    public int MinPixels { get; init; } = 20;

    /// <summary>Bins with fewer finite delays (finite g2, g2_err &gt; 0) are not fitted.</summary>
    public int MinDelays { get; init; } = 12;

    public double GammaMin { get; init; } = 0.3;
    public double GammaMax { get; init; } = 2.5;

    /// <summary>Number of periodogram minima that start a Levenberg–Marquardt fit (multi-start against aliasing).</summary>
    public int OmegaCandidates { get; init; } = 3;

    /// <summary>Relative step of the log-spaced ω grid of the periodogram.</summary>
    public double PeriodogramRelativeStep { get; init; } = 0.015;

    /// <summary>
    /// A bin's oscillation is measurable when its fit improves χ² by at least this much over the same model without
    /// oscillation (ω = 0) ... The periodogram searches hundreds of frequencies, so a plain 3σ test on ω lets noise
    /// through (8 of 72 noise-only bins passed it); with ~100 independent frequencies, P(χ²₁ &gt; 20) ≈ 1e-5 per
    /// frequency gives ~1e-3 false bins per bin (0 of 972 noise-only bins passed in the tests).
    /// </summary>
    public double MinDeltaChi2 { get; init; } = 20.0;

    /// <summary>... ω is at least this many standard errors ...</summary>
    public double MinOmegaSignificance { get; init; } = 3.0;

    /// <summary>... the amplitude 2h(1−h)β is at least this many standard errors ...</summary>
    public double MinAmplitudeSignificance { get; init; } = 3.0;

    /// <summary>... and at least this many periods fit into the longest usable delay.</summary>
    public double MinPeriodsPerBin { get; init; } = 0.5;

    /// <summary>Fits with a larger reduced χ² are marked failed.</summary>
    public double MaxReducedChi2 { get; init; } = 20.0;

    /// <summary>Per-bin ω further than this many standard errors from the shared-speed line are left out of the speed.</summary>
    public double OutlierSigma { get; init; } = 5.0;

    /// <summary>
    /// The speed is resolvable when at least this many periods fit into the longest usable delay at the highest
    /// usable q·|cos χ|; the same number defines the reported lower limit of a resolvable speed.
    /// </summary>
    public double MinPeriodsResolvable { get; init; } = 1.5;

    /// <summary>
    /// The speed is resolvable only when the shared-speed heterodyne model beats pure relaxation over all fitted bins by
    /// at least this likelihood ratio (Δχ² divided by the score inflation, <see cref="FlowResolvability"/>), and at least
    /// <see cref="MinUsableBins"/> bins with their own oscillation agree with the speed. Far above the 5σ of a one-sided
    /// χ²₁ (25) because the likelihood is periodic in v (a search over many frequencies): on series without resolvable
    /// flow in the study's geometry (bench `null-claims`, v = 0 and 0.3 Å/s) the largest ratio seen was 50; series
    /// with flow at the resolution limit (2–3 Å/s) give 260–1800.
    /// </summary>
    public double MinFlowLikelihoodRatio { get; init; } = 100.0;

    /// <summary>At least this many bins must carry a measurable oscillation for a speed.</summary>
    public int MinUsableBins { get; init; } = 2;

    /// <summary>Apply the multi-tau averaging (Fejér) factor to the oscillating term when the lag levels are known.</summary>
    public bool ModelMultiTauAveraging { get; init; } = true;

    /// <summary>
    /// Sum the oscillating term over the spread of ω over a bin's pixels (<see cref="BinOmegaSpread"/>: from the q-map,
    /// else from the bin widths when they are known).
    /// </summary>
    public bool ModelBinSpread { get; init; } = true;

    public int MaxIterations { get; init; } = 200;

    public static FitOptions Default { get; } = new();

    internal void Validate()
    {
        if (MinPixels < 0) throw new ArgumentOutOfRangeException(nameof(MinPixels));
        if (MinDelays < 6) throw new ArgumentOutOfRangeException(nameof(MinDelays), "at least 6 delays are needed for 5 parameters");
        if (!(GammaMin > 0 && GammaMax > GammaMin)) throw new ArgumentOutOfRangeException(nameof(GammaMin), "need 0 < GammaMin < GammaMax");
        if (OmegaCandidates < 1) throw new ArgumentOutOfRangeException(nameof(OmegaCandidates));
        if (!(PeriodogramRelativeStep > 0 && PeriodogramRelativeStep < 0.5)) throw new ArgumentOutOfRangeException(nameof(PeriodogramRelativeStep));
        if (!(MinPeriodsResolvable > 0)) throw new ArgumentOutOfRangeException(nameof(MinPeriodsResolvable));
        if (!(MinFlowLikelihoodRatio >= 0)) throw new ArgumentOutOfRangeException(nameof(MinFlowLikelihoodRatio));
        if (MinUsableBins < 1) throw new ArgumentOutOfRangeException(nameof(MinUsableBins));
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations));
    }
}
