namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Output of <see cref="ContinuumCellSolver.Simulate"/>. Per-time arrays are indexed like <see cref="TimesS"/>;
/// velocities are along the +position axis, lab (window) frame for the solvent, solvent frame for the anion.
/// </summary>
public sealed record CellSimulationResult
{
    public required string TransportSetName { get; init; }
    public required double[] TimesS { get; init; }
    public required double[] CurrentDensityAPerM2 { get; init; }
    public required double[] VoltageV { get; init; }
    /// <summary>Cell centres on the position axis (mm from the cell centre), increasing.</summary>
    public required double[] CellPositionsMm { get; init; }
    /// <summary>[time][cell], cells ordered as <see cref="CellPositionsMm"/>.</summary>
    public required double[][] ConcentrationMolPerM3 { get; init; }
    public required double[] PositionsMm { get; init; }
    /// <summary>[position][time]: solvent (EO) velocity in the lab frame, v₀ + v_int.</summary>
    public required double[][] SolventVelocityLabMPerS { get; init; }
    /// <summary>[position][time]: anion velocity relative to the solvent, v₋ − v₀ = J₋/c.</summary>
    public required double[][] AnionVelocitySolventFrameMPerS { get; init; }
    public required int CellCount { get; init; }
    public required int AcceptedSteps { get; init; }
    public required int RejectedSteps { get; init; }
    public required int NewtonIterations { get; init; }
    /// <summary>Largest |Δ(∫c dx)| / ∫c dx seen over all steps.</summary>
    public required double MaxRelativeSaltDrift { get; init; }
    /// <summary>The set's <see cref="Electrolyte.TransportSet.ThermodynamicFactorStatement"/>.</summary>
    public string ThermodynamicFactor { get; init; } = "";
    /// <summary>The set's caveats (sources and named assumptions).</summary>
    public IReadOnlyList<string> TransportCaveats { get; init; } = [];
    /// <summary>E.g. concentrations outside a property table (properties were clamped there).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>The imposed current needs more salt than diffusion can bring: c reached zero at an electrode.</summary>
public sealed class DiffusionLimitedCurrentException(string message) : InvalidOperationException(message);
