using System.Globalization;
using System.Text.Json;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Data.Xam;

namespace CloudXpcs.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class SimulateBeamtimeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_simulated_beamtime_follows_the_contract_layout_and_its_truth_is_recovered()
    {
        string beamtime = _temp.File("bt");
        var run = CliRun.Cloudxpcs("simulate-beamtime", "--out", beamtime, "--frames", "512", "--seed", "7");
        Assert.True(run.ExitCode == 0, run.ToString());

        foreach (var file in new[] { "beamtime.json", "echem.csv", "truth.json", "xam/calibration.json", "xam/scan_t0000.csv" })
            Assert.True(File.Exists(Path.Combine(beamtime, file)), file);
        var seriesFolders = Directory.GetDirectories(Path.Combine(beamtime, "xpcs"));
        Assert.Equal(10, seriesFolders.Length);
        Assert.All(seriesFolders, s => Assert.True(File.Exists(Path.Combine(s, "series.json")) && File.Exists(Path.Combine(s, "chunk-00001.h5"))));
        var echem = File.ReadAllLines(Path.Combine(beamtime, "echem.csv"));
        Assert.Equal("time_min,current_mA_cm2,voltage_V", echem[0]);

        // XAM: the profiles conserve the salt of the uniform start within their errors.
        string profiles = _temp.File("profiles.csv");
        Assert.Equal(0, CliRun.Cloudxpcs("xam", "--beamtime", beamtime, "--out", profiles).ExitCode);
        var points = XamProfilesCsv.Read(profiles);
        Assert.Equal(6 * 59, points.Count);
        foreach (var scan in points.GroupBy(p => p.TimeMin))
            Assert.InRange(scan.Average(p => p.ConcentrationM), 1.87 - 0.01, 1.87 + 0.01);

        // XPCS: the fitted speed of a series matches the speed it was made with.
        using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(beamtime, "truth.json")));
        var first = truth.RootElement.GetProperty("series")[0];
        string series = first.GetProperty("series").GetString()!;
        double trueSpeed = first.GetProperty("speed_A_per_s").GetDouble();
        string output = _temp.File("analysis");
        var analysis = CliRun.Cloudxpcs("analyze-series", "--series", Path.Combine(beamtime, "xpcs", series, "series.json"), "--out", output);
        Assert.True(analysis.ExitCode == 0, analysis.ToString());
        var fit = FitJson.Read(Path.Combine(output, "fit.json"));
        Assert.True(fit.Velocity.Resolvable);
        double speed = fit.Velocity.SpeedAPerS!.Value;
        Assert.True(Math.Abs(speed - trueSpeed) < 0.05 * trueSpeed,
            string.Create(CultureInfo.InvariantCulture, $"fitted {speed} A/s, true {trueSpeed} A/s"));
    }
}
