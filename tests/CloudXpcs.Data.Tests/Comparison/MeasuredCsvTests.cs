using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Comparison;

/// <summary>echem.csv and measured/velocities.csv hold one value per time (and position): a repeated key is refused, never fitted twice.</summary>
public sealed class MeasuredCsvTests
{
    [Fact]
    public void Two_currents_at_one_time_are_refused_naming_both_lines()
    {
        using var temp = new TempFolder();
        string path = temp.File(EchemCsv.FileName);
        File.WriteAllText(path, "time_min,current_mA_cm2\n0,0.9\n10,0.6\n0,0.5\n");
        var ex = Assert.Throws<DataContractException>(() => EchemCsv.Read(path));
        Assert.Equal(path, ex.Source);
        Assert.Contains("line 4: time_min 0 repeats line 2", ex.Problem);
    }

    [Fact]
    public void Two_velocities_at_one_time_and_position_are_refused_naming_both_lines()
    {
        using var temp = new TempFolder();
        string path = temp.File("velocities.csv");
        File.WriteAllText(path, "time_min,position_mm,v_eo_A_per_s,v_eo_err_A_per_s\n60,0.95,10,1\n60,1.3,12,1\n60,0.95,30,1\n");
        var ex = Assert.Throws<DataContractException>(() => MeasuredVelocitiesCsv.Read(path));
        Assert.Contains("line 4: time_min 60, position_mm 0.95 repeats line 2", ex.Problem);
        File.WriteAllText(path, "time_min,position_mm,v_eo_A_per_s,v_eo_err_A_per_s\n60,0.95,10,1\n120,0.95,12,1\n");
        Assert.Equal(2, MeasuredVelocitiesCsv.Read(path).Count);
    }
}
