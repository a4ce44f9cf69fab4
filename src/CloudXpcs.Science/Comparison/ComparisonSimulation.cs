using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Comparison;

/// <summary>The continuum simulation a beamtime is compared with: its cell, reported at every measurement time.</summary>
public static class ComparisonSimulation
{
    /// <summary>
    /// Constant voltage over the beamtime's cell, run to the last measurement (whole minutes), output every 10 min and at
    /// every measurement time (so current, profiles and velocities need no interpolation in time), velocities at every
    /// measured position (the cell centre when none was measured).
    /// </summary>
    public static CellSimulationSpec SpecFor(MeasuredBeamtime measured, TransportSet transport, int cellCount = 96)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var cell = measured.Cell;
        double durationMin = Math.Max(10, Math.Ceiling(measured.LastTimeMin - 1e-9));
        var outputMin = CellSimulationSpec.EveryTenMinutesS(durationMin * 60).Select(s => s / 60)
            .Concat(measured.MeasurementTimesMin.Where(t => t >= 0 && t <= durationMin))
            .Order().ToList();
        var distinct = new List<double>(outputMin.Count);
        foreach (double t in outputMin)
            if (distinct.Count == 0 || t - distinct[^1] > 1e-6) distinct.Add(t);
        var positions = measured.VelocityPositionsMm;
        return new CellSimulationSpec
        {
            Transport = transport,
            Drive = new ConstantVoltage(cell.VoltageV),
            LengthM = cell.LengthMm * 1e-3,
            TemperatureK = cell.TemperatureC + 273.15,
            InitialConcentrationMolPerM3 = cell.InitialConcentrationM * 1000,
            DurationS = durationMin * 60,
            OutputTimesS = distinct.Select(t => t * 60).ToArray(),
            PositionsMm = positions.Count > 0 ? positions : [0.0],
            StrippingElectrodeSide = cell.StrippingElectrodeSide,
            CellCount = cellCount,
        };
    }
}
