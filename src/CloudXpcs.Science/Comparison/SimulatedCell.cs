using CloudXpcs.Science.Continuum;

namespace CloudXpcs.Science.Comparison;

/// <summary>
/// A continuum simulation in contract units (as simulations/{set}.json holds it), interpolated linearly in time
/// between outputs and linearly in position between cell centres (and between velocity positions).
/// </summary>
public sealed record SimulatedCell(string Set, double[] TimeMin, double[] CurrentMAPerCm2, double[] XMm, double[][] ConcentrationM,
                                   double[] PositionsMm, double[][] VEoLabAPerS)
{
    private const double TimeToleranceMin = 1e-6;
    private const double PositionToleranceMm = 1e-6;

    /// <summary>The thermodynamic factor the simulation used (<see cref="Electrolyte.TransportSet.ThermodynamicFactorStatement"/>); null when unknown.</summary>
    public string? ThermodynamicFactor { get; init; }
    /// <summary>The simulation's warnings (e.g. properties clamped outside their tables).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static SimulatedCell From(CellSimulationResult result) => new(
        result.TransportSetName,
        result.TimesS.Select(t => t / 60).ToArray(),
        result.CurrentDensityAPerM2.Select(i => i / 10).ToArray(),
        result.CellPositionsMm,
        result.ConcentrationMolPerM3.Select(row => row.Select(c => c / 1000).ToArray()).ToArray(),
        result.PositionsMm,
        result.SolventVelocityLabMPerS.Select(row => row.Select(v => v * 1e10).ToArray()).ToArray())
    {
        ThermodynamicFactor = result.ThermodynamicFactor,
        Warnings = result.Warnings,
    };

    public bool Covers(double timeMin) => timeMin >= TimeMin[0] - TimeToleranceMin && timeMin <= TimeMin[^1] + TimeToleranceMin;

    public double CurrentAt(double timeMin) => LinearInterpolation.At(TimeMin, CurrentMAPerCm2, timeMin);

    public double ConcentrationAt(double timeMin, double positionMm)
    {
        var (k, w) = Bracket(timeMin);
        double a = LinearInterpolation.At(XMm, ConcentrationM[k], positionMm);
        return w == 0 ? a : (1 - w) * a + w * LinearInterpolation.At(XMm, ConcentrationM[k + 1], positionMm);
    }

    /// <summary>Lab-frame EO velocity (Å/s), or null when the position lies outside the simulated positions.</summary>
    public double? VelocityAt(double timeMin, double positionMm)
    {
        int exact = Array.FindIndex(PositionsMm, p => Math.Abs(p - positionMm) <= PositionToleranceMm);
        if (exact >= 0) return LinearInterpolation.At(TimeMin, VEoLabAPerS[exact], timeMin);
        int above = Array.FindIndex(PositionsMm, p => p > positionMm);
        if (above <= 0) return null;
        double lower = LinearInterpolation.At(TimeMin, VEoLabAPerS[above - 1], timeMin);
        double upper = LinearInterpolation.At(TimeMin, VEoLabAPerS[above], timeMin);
        double s = (positionMm - PositionsMm[above - 1]) / (PositionsMm[above] - PositionsMm[above - 1]);
        return lower + s * (upper - lower);
    }

    private (int Index, double Weight) Bracket(double timeMin)
    {
        int n = TimeMin.Length;
        if (n == 1) return (0, 0);
        int b = Array.BinarySearch(TimeMin, timeMin);
        if (b >= 0) return (Math.Min(b, n - 2), b == n - 1 ? 1 : 0);
        int k = Math.Clamp(~b - 1, 0, n - 2);
        return (k, Math.Clamp((timeMin - TimeMin[k]) / (TimeMin[k + 1] - TimeMin[k]), 0, 1));
    }
}
