namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Box bounds of the internal parameter vector (β, h, ln τ0, γ, ω) of one bin:
/// β &gt; 0, 0 ≤ h ≤ 1, τ0 between a tenth of the shortest delay and 1000 × the longest, γ in the physical range,
/// 0 ≤ ω below the level-0 Nyquist frequency.
/// </summary>
internal readonly struct ParameterBox
{
    public const int Count = 5;
    public const double BetaMin = 1e-6;
    public const double BetaMax = 10.0;

    public ParameterBox(BinSeries data, double omegaMaxRadPerS, FitOptions options)
    {
        LnTau0Min = Math.Log(0.1 * data.ShortestDelayS);
        LnTau0Max = Math.Log(1000.0 * data.LongestDelayS);
        GammaMin = options.GammaMin;
        GammaMax = options.GammaMax;
        OmegaMax = omegaMaxRadPerS;
    }

    public double LnTau0Min { get; }
    public double LnTau0Max { get; }
    public double GammaMin { get; }
    public double GammaMax { get; }
    public double OmegaMax { get; }

    public double Lower(int index) => index switch { 0 => BetaMin, 1 => 0.0, 2 => LnTau0Min, 3 => GammaMin, _ => 0.0 };

    public double Upper(int index) => index switch { 0 => BetaMax, 1 => 1.0, 2 => LnTau0Max, 3 => GammaMax, _ => OmegaMax };

    public double Clamp(int index, double value) => Math.Clamp(value, Lower(index), Upper(index));

    /// <summary>
    /// Whether a parameter sits on a bound with the descent direction pointing out of the box; such a parameter is
    /// held for the step (active set), so that the projected step is not wasted against the wall.
    /// </summary>
    public bool Blocks(int index, double value, double descent) =>
        (value <= Lower(index) && descent < 0) || (value >= Upper(index) && descent > 0);

    public static void Pack(in HeterodyneParameters p, Span<double> x)
    {
        x[0] = p.Beta; x[1] = p.H; x[2] = Math.Log(p.Tau0S); x[3] = p.Gamma; x[4] = p.OmegaRadPerS;
    }

    public static HeterodyneParameters Unpack(ReadOnlySpan<double> x, double omegaRadPerS) =>
        new(x[0], x[1], Math.Exp(x[2]), x[3], omegaRadPerS);
}
