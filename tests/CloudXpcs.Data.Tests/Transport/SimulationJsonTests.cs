using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Data.Tests.Transport;

public sealed class SimulationJsonTests
{
    private static CellSimulationResult Simulate() => ContinuumCellSolver.Simulate(new CellSimulationSpec
    {
        Transport = BuiltInTransportSets.Rs(), DurationS = 1200, OutputTimesS = [0, 600, 1200], PositionsMm = [-0.5, 0.2], CellCount = 16,
    });

    [Fact]
    public void WritesExactlyTheContractFieldsInContractUnits()
    {
        var result = Simulate();
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            string path = Path.Combine(dir, SimulationJson.RelativePath(result.TransportSetName));
            SimulationJson.Write(result, path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(["schema", "set", "time_min", "current_mA_cm2", "x_mm", "concentration_M", "positions_mm", "v_eo_lab_A_per_s", "v_tfsi_solvent_frame_A_per_s",
                          "thermo_factor", "transport_caveats", "warnings"],   // the contract's fields, then CloudXpcs's documented extensions
                         doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
            var back = SimulationJson.Read(path);
            Assert.Equal("RS", back.Set);
            Assert.Equal([0.0, 10.0, 20.0], back.TimeMin);
            Assert.Equal(result.CurrentDensityAPerM2[1] / 10, back.CurrentMAPerCm2[1], 15);
            Assert.Equal(3, back.ConcentrationM.Length);
            Assert.Equal(16, back.ConcentrationM[0].Length);
            Assert.Equal(1.87, back.ConcentrationM[0][5], 12);
            Assert.Equal(2, back.VEoLabAPerS.Length);
            Assert.Equal(3, back.VEoLabAPerS[0].Length);
            Assert.Equal(result.SolventVelocityLabMPerS[1][2] * 1e10, back.VEoLabAPerS[1][2], 9);
            Assert.InRange(back.VEoLabAPerS[0][0], 80, 100);   // ≈ 8.9 nm/s at t = 0

            var csv = SimulationCsv.Write(result, dir);
            Assert.Equal(3, csv.Count);
            Assert.Equal(1 + 3 * 16, File.ReadAllLines(csv[1]).Length);
            Assert.StartsWith("time_min,current_mA_cm2,voltage_V", File.ReadAllText(csv[0]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
