using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>import-steinrueck2020, compare and infer end to end, and their answers to bad input.</summary>
[Collection(CliCollection.Name)]
public sealed class CompareInferCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Published => Path.Combine(RepoPaths.SharedData ?? "", "steinrueck2020_operando");

    [SkippableFact]
    public void ImportCompareAndInferOnTheStudyData()
    {
        Skip.If(RepoPaths.SharedData is null || !Directory.Exists(Published), RepoPaths.Missing(Published));
        string beamtime = _temp.File("steinrueck");
        string out_ = _temp.File("run");
        var import = CliRun.Cloudxpcs("import-steinrueck2020", "--from", Published, "--out", beamtime);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("340 current readings", import.Stdout);

        var compare = CliRun.Cloudxpcs("compare", "--beamtime", beamtime, "--sets", "PNB,RS", "--out", out_, "--cells", "32");
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("rank", compare.Stdout);
        Assert.True(File.Exists(Path.Combine(out_, "simulations", "PNB.json")));
        var comparison = ComparisonJson.Read(Path.Combine(out_, "comparison.json"));
        Assert.Equal(["PNB", "RS"], comparison.Sets.Select(s => s.Set));
        Assert.Equal([1, 2], comparison.Ranking.Select(r => r.Rank));

        string inference = Path.Combine(out_, "inference.json");
        var infer = CliRun.Cloudxpcs("infer", "--beamtime", beamtime, "--set", "RS", "--out", inference, "--cells", "32", "--threads", "2",
            "--constant-grid", "-0.4:0.4:0.2", "--intercept-grid", "-0.4:0.4:0.4", "--slope-grid", "-0.4:0.4:0.4",
            "--refine", "3", "--refine-rounds", "1", "--hypothesis", "study=0.2");
        Assert.True(infer.ExitCode == 0, infer.ToString());
        Assert.Contains("preferred:", infer.Stdout);
        var document = InferenceJson.Read(inference);
        Assert.Equal(["constant", "linear"], document.Models.Select(m => m.Model));
        Assert.All(document.Models, m => Assert.All(m.Ci95.Values, ci => Assert.True(ci[0] <= ci[1])));
        Assert.Equal("study", Assert.Single(document.Hypotheses).Label);
        Assert.Equal("RS", document.BaseSet);
    }

    [Fact]
    public void MissingBeamtimeJsonIsBadInput()
    {
        string beamtime = _temp.File("empty");
        Directory.CreateDirectory(beamtime);
        var run = CliRun.Cloudxpcs("compare", "--beamtime", beamtime, "--out", _temp.File("o"));
        CliAssert.BadInput(run, Path.Combine(beamtime, "beamtime.json"), "file not found");
        Assert.False(Directory.Exists(_temp.File("o")));
    }

    [Fact]
    public void BadEchemCsvIsBadInputAndNothingIsWritten()
    {
        string beamtime = _temp.File("bt");
        Directory.CreateDirectory(beamtime);
        File.WriteAllText(Path.Combine(beamtime, "beamtime.json"), """
            {"schema": "cloudxpcs.beamtime/1", "beamtime": "b", "cell": {"length_mm": 3.0, "voltage_V": 0.3, "temperature_C": 90,
             "r_initial": 0.1, "initial_concentration_M": 1.87}, "stripping_electrode_side": -1, "transport_sets": ["RS"]}
            """);
        string echem = Path.Combine(beamtime, "echem.csv");
        File.WriteAllText(echem, "time_min,current_mA_cm2\n0,0.9\n10,NaN\n");
        var compare = CliRun.Cloudxpcs("compare", "--beamtime", beamtime, "--out", _temp.File("o"));
        CliAssert.BadInput(compare, echem, "line 3", "current_mA_cm2");
        Assert.False(File.Exists(Path.Combine(_temp.File("o"), "comparison.json")));
        var infer = CliRun.Cloudxpcs("infer", "--beamtime", beamtime, "--set", "RS", "--out", _temp.File("i.json"));
        CliAssert.BadInput(infer, echem, "line 3");
        Assert.False(File.Exists(_temp.File("i.json")));
    }

    [Fact]
    public void ImportFromAMissingFolderIsBadInput()
    {
        string from = _temp.File("nothing-here");
        CliAssert.BadInput(CliRun.Cloudxpcs("import-steinrueck2020", "--from", from, "--out", _temp.File("o")), from, "not found");
    }

    [Theory]
    [InlineData("compare")]
    [InlineData("infer")]
    [InlineData("import-steinrueck2020")]
    public void HelpWorks(string command)
    {
        var run = CliRun.Cloudxpcs(command, "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("--out", run.Stdout);
    }
}
