namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// Transport properties tabulated against salt concentration, in the units of the data contract (section 6).
/// Every column has one value per concentration; one row means constant properties.
/// </summary>
public sealed record TransportTable(
    IReadOnlyList<double> ConcentrationM,
    IReadOnlyList<double> ConductivitySPerCm,
    IReadOnlyList<double> DiffusivityCm2PerS,
    IReadOnlyList<double> CationTransference,
    IReadOnlyList<double> ThermodynamicFactor)
{
    /// <summary>A one-row table: constant properties.</summary>
    public static TransportTable Constant(double concentrationM, double conductivitySPerCm, double diffusivityCm2PerS,
                                          double cationTransference, double thermodynamicFactor = 1.0) =>
        new([concentrationM], [conductivitySPerCm], [diffusivityCm2PerS], [cationTransference], [thermodynamicFactor]);
}
