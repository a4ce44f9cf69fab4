using System.Globalization;
using System.Text.Json;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using Xunit.Abstractions;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// The speed error with its systematic part on series of the independent numpy simulator whose true geometry (distance,
/// energy, pixel size, beam centre) differs from the stated one by draws within the uncertainties series.json states:
/// the speed is within 3 total standard errors, the error is reported in parts (statistical, systematic, per
/// calibration input, model floor) from series.json's calibration_uncertainty. The 40-series sweep with the pull
/// statistics is bench/scripts/independent-sim-calibration-pulls.sh.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IndependentSimulatorCalibrationTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Script => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Simulator", "heterodyne_speckle.py"));

    [SkippableTheory]
    [InlineData(45.0, 21, "corner")]
    [InlineData(25.0, 22, "centre")]
    public void TheTotalErrorCoversTheCalibrationOffsets(double speed, int seed, string layout)
    {
        PythonH5py.SkipIfUnavailable();
        string series = _temp.File($"series-{seed}");
        string info = PythonH5py.Run(Script, series, speed.ToString("R", CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture),
            "0.5", "0.2", "250", "2500", "0.2", "1.0", "3", seed.ToString(CultureInfo.InvariantCulture), layout);
        output.WriteLine($"simulator: {info.Trim()}");
        string outDir = _temp.File($"out-{seed}");
        var run = CliRun.Cloudxpcs("analyze-series", "--series", Path.Combine(series, SeriesManifest.FileName), "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        var v = FitJson.Read(Path.Combine(outDir, SeriesAnalysis.FitFileName)).Velocity;
        Assert.True(v.Resolvable, v.Reason);
        double fitted = v.SpeedAPerS!.Value, total = v.SpeedErrAPerS!.Value, stat = v.SpeedErrStatAPerS!.Value, sys = v.SpeedErrSysAPerS!.Value;
        var s = v.Systematics!;
        output.WriteLine(FormattableString.Invariant(
            $"v_true {speed} v_fit {fitted:F3} ({(fitted - speed) / speed:P2}): stat {stat:F4} sys {sys:F4} total {total:F4} A/s, pull {(fitted - speed) / total:F2} ") +
            FormattableString.Invariant($"(distance {s.DistanceAPerS:F4}, energy {s.EnergyAPerS:F4}, pixel {s.PixelSizeAPerS:F4}, beam centre {s.BeamCenterAPerS:F4}, floor {s.ModelFloorAPerS:F4})"));
        Assert.Equal(Math.Sqrt(stat * stat + sys * sys), total, 1e-9 * total);
        Assert.Equal(Math.Sqrt(s.DistanceAPerS * s.DistanceAPerS + s.EnergyAPerS * s.EnergyAPerS + s.PixelSizeAPerS * s.PixelSizeAPerS
                               + s.BeamCenterAPerS * s.BeamCenterAPerS + s.ModelFloorAPerS * s.ModelFloorAPerS), sys, 1e-9 * sys);
        Assert.Equal("series.json calibration_uncertainty", s.CalibrationSource);
        Assert.Equal(0.03, s.DistanceErrM, 12);                                   // the simulator states 1 % of 3 m
        Assert.Equal(0.01 * fitted, s.DistanceAPerS, 0.05 * 0.01 * fitted);       // distance scales q: |δv/v| ≈ 1 %
        Assert.True(sys > stat, "on these series the calibration dominates the error");
        Assert.True(Math.Abs(fitted - speed) < 3 * total, $"v_fit {fitted} +- {total} is more than 3 sigma from v_true {speed}");
        double trueDistance = JsonDocument.Parse(info).RootElement.GetProperty("true_geometry").GetProperty("distance_m").GetDouble();
        Assert.NotEqual(3.0, trueDistance);                                        // the data were made with a geometry off the stated one
    }
}
