using System.Globalization;
using System.Text;
using CloudXpcs.Science.Continuum;

namespace CloudXpcs.Data.Results;

/// <summary>
/// CSV export of a cell simulation into a folder: {set}_current.csv (time_min,current_mA_cm2,voltage_V),
/// {set}_concentration.csv (time_min,position_mm,concentration_M) and {set}_velocity.csv
/// (time_min,position_mm,v_eo_lab_A_per_s,v_tfsi_solvent_frame_A_per_s), in the units of simulations/{set}.json.
/// </summary>
public static class SimulationCsv
{
    public static IReadOnlyList<string> Write(CellSimulationResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        string prefix = Path.Combine(directory, result.TransportSetName);
        var current = new StringBuilder("time_min,current_mA_cm2,voltage_V\n");
        var concentration = new StringBuilder("time_min,position_mm,concentration_M\n");
        var velocity = new StringBuilder("time_min,position_mm,v_eo_lab_A_per_s,v_tfsi_solvent_frame_A_per_s\n");
        for (int k = 0; k < result.TimesS.Length; k++)
        {
            string t = F(result.TimesS[k] / 60);
            current.Append(t).Append(',').Append(F(result.CurrentDensityAPerM2[k] * SimulationJson.MilliAmpPerCm2PerAmpPerM2)).Append(',').Append(F(result.VoltageV[k])).Append('\n');
            for (int j = 0; j < result.CellPositionsMm.Length; j++)
                concentration.Append(t).Append(',').Append(F(result.CellPositionsMm[j])).Append(',').Append(F(result.ConcentrationMolPerM3[k][j] * SimulationJson.MolarPerMolPerM3)).Append('\n');
            for (int p = 0; p < result.PositionsMm.Length; p++)
                velocity.Append(t).Append(',').Append(F(result.PositionsMm[p])).Append(',').Append(F(result.SolventVelocityLabMPerS[p][k] * SimulationJson.AngstromPerMetre))
                        .Append(',').Append(F(result.AnionVelocitySolventFrameMPerS[p][k] * SimulationJson.AngstromPerMetre)).Append('\n');
        }
        string[] paths = [prefix + "_current.csv", prefix + "_concentration.csv", prefix + "_velocity.csv"];
        File.WriteAllText(paths[0], current.ToString());
        File.WriteAllText(paths[1], concentration.ToString());
        File.WriteAllText(paths[2], velocity.ToString());
        return paths;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
