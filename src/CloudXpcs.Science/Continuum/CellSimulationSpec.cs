using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Continuum;

/// <summary>How the Li | electrolyte | Li cell is driven.</summary>
public abstract record CellDrive;

/// <summary>Constant cell voltage (potentiostatic polarisation, the study's 0.3 V).</summary>
public sealed record ConstantVoltage(double VoltageV) : CellDrive;

/// <summary>Constant current density, positive from the stripping to the plating electrode.</summary>
public sealed record ConstantCurrent(double CurrentDensityAPerM2) : CellDrive;

/// <summary>
/// One simulation of a symmetric Li | polymer electrolyte | Li cell. SI units. Position axis (mm) is measured from
/// the cell centre; the stripping electrode (x = 0 of the model) sits at −L/2 when <see cref="StrippingElectrodeSide"/>
/// is −1 and at +L/2 when it is +1. Positions are fixed relative to the Li interfaces, which both move at
/// v_int = −iV̄_Li/F in the lab frame (≈16 µm over the study's 1000 min, neglected for the position axis; the
/// velocities reported in the lab frame do include v_int).
/// </summary>
public sealed record CellSimulationSpec
{
    public required TransportSet Transport { get; init; }
    public CellDrive Drive { get; init; } = new ConstantVoltage(0.3);
    public double LengthM { get; init; } = 3e-3;
    public double TemperatureK { get; init; } = 363.15;
    public double InitialConcentrationMolPerM3 { get; init; } = 1870;
    public double DurationS { get; init; } = 1000 * 60;
    /// <summary>Times at which concentration profiles, current and velocities are reported; null: every 10 min.</summary>
    public IReadOnlyList<double>? OutputTimesS { get; init; }

    /// <summary>The default output times: every 10 min from 0 to the end of the run.</summary>
    public static double[] EveryTenMinutesS(double durationS) =>
        Enumerable.Range(0, (int)Math.Floor(durationS / 600 + 1e-9) + 1).Select(k => k * 600.0).ToArray();
    public IReadOnlyList<double> PositionsMm { get; init; } = [-0.85, -0.5, -0.15, 0.2, 0.55];
    public int StrippingElectrodeSide { get; init; } = -1;
    /// <summary>Overrides the set's interfacial resistance (per electrode pair, Ω m²) when not null.</summary>
    public double? InterfacialResistanceOhmM2 { get; init; }
    /// <summary>When set, adds symmetric Butler–Volmer kinetics (α = ½) at each electrode with this i₀.</summary>
    public double? ExchangeCurrentDensityAPerM2 { get; init; }
    public double LiMolarVolumeM3PerMol { get; init; } = 13.0e-6;
    /// <summary>96 cells keep the study's cell within 1e-3 (relative) in i(t) for the PNB set.</summary>
    public int CellCount { get; init; } = 96;
    /// <summary>Grid refinement towards the electrodes, see <see cref="CellGrid.RefinedTowardsElectrodes"/>.</summary>
    public double GridRefinement { get; init; } = 0.8;
    /// <summary>Local error per step relative to the mean concentration (and to |i| for the current).</summary>
    public double RelativeTolerance { get; init; } = 1e-5;
}
