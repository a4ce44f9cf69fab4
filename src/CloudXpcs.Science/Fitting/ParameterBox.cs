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

    public double Clamp(int index, double value) => index switch
    {
        0 => Math.Clamp(value, BetaMin, BetaMax),
        1 => Math.Clamp(value, 0.0, 1.0),
        2 => Math.Clamp(value, LnTau0Min, LnTau0Max),
        3 => Math.Clamp(value, GammaMin, GammaMax),
        _ => Math.Clamp(value, 0.0, OmegaMax),
    };

    public static void Pack(in HeterodyneParameters p, Span<double> x)
    {
        x[0] = p.Beta; x[1] = p.H; x[2] = Math.Log(p.Tau0S); x[3] = p.Gamma; x[4] = p.OmegaRadPerS;
    }

    public static HeterodyneParameters Unpack(ReadOnlySpan<double> x, double omegaRadPerS) =>
        new(x[0], x[1], Math.Exp(x[2]), x[3], omegaRadPerS);
}
