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
/// analyze-series on series it has never seen, made by an independent heterodyne speckle simulator in numpy
/// (Simulator/heterodyne_speckle.py: static complex Gaussian reference plus an exact AR(1) sample field whose phase
/// advances at q·v·cos χ per pixel, contrast β, Poisson counts, written with h5py): the speed comes back within 5 %
/// and within 3 of its standard errors, and a speed with less than one period in the series is "not resolvable".
/// </summary>
[Collection(CliCollection.Name)]
public sealed class IndependentSimulatorTests(ITestOutputHelper output) : IDisposable
{
    private const double Tau0S = 250.0, FrameTimeS = 0.2, PhotonsPerPixelFrame = 1.0;
    private const int Frames = 2500, Chunks = 3;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Script => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Simulator", "heterodyne_speckle.py"));

    private static string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Simulates one series, runs analyze-series in-process, returns fit.json, the run and the simulator's numbers.</summary>
    private (FitDocument Fit, CliResult Run, JsonElement Simulator) Analyze(double speed, int seed, double h, double beta)
    {
        string series = _temp.File($"series-{seed}");
        string info = PythonH5py.Run(Script, series, Text(speed), seed.ToString(CultureInfo.InvariantCulture), Text(h), Text(beta),
            Text(Tau0S), Frames.ToString(CultureInfo.InvariantCulture), Text(FrameTimeS), Text(PhotonsPerPixelFrame),
            Chunks.ToString(CultureInfo.InvariantCulture));
        output.WriteLine($"simulator: {info.Trim()}");
        string outDir = _temp.File($"out-{seed}");
        var run = CliRun.Cloudxpcs("analyze-series", "--series", Path.Combine(series, SeriesManifest.FileName), "--out", outDir);
        output.WriteLine(run.Stdout.Trim());
        Assert.True(run.ExitCode == 0, run.ToString());
        return (FitJson.Read(Path.Combine(outDir, SeriesAnalysis.FitFileName)), run, JsonDocument.Parse(info).RootElement.Clone());
    }

    [SkippableTheory]
    [InlineData(12.0, 11, 0.4, 0.25)]
    [InlineData(30.0, 12, 0.5, 0.2)]
    [InlineData(55.0, 13, 0.6, 0.15)]
    public void RecoversTheSpeedWithin5PercentAndItsErrorBar(double speed, int seed, double h, double beta)
    {
        PythonH5py.SkipIfUnavailable();
        var (fit, run, _) = Analyze(speed, seed, h, beta);
        var v = fit.Velocity;
        Assert.True(v.Resolvable, v.Reason);
        double fitted = v.SpeedAPerS!.Value, sigma = v.SpeedErrAPerS!.Value;
        double relative = (fitted - speed) / speed;
        output.WriteLine($"v_true {speed} A/s: v_fit {fitted:F3} +- {sigma:F3} A/s, error {relative:P2} = {(fitted - speed) / sigma:F2} sigma, " +
                         $"{v.UsedBins} bins, joint reduced chi2 {v.JointReducedChi2:F2}, minimum resolvable {v.MinResolvableSpeedAPerS:F2} A/s");
        Assert.True(Math.Abs(relative) < 0.05, $"v_fit {fitted} vs v_true {speed}: {relative:P2}");
        Assert.True(sigma > 0);
        Assert.True(Math.Abs(fitted - speed) < 3 * sigma, $"v_fit {fitted} +- {sigma} is more than 3 sigma from v_true {speed}");
        Assert.Contains($"speed {fitted.ToString("G4", CultureInfo.InvariantCulture)} ± ", run.Stdout);

        // Anion velocities as magnitudes (DATA_CONTRACT 5.2), at the default concentration outside a beamtime.
        var anion = fit.Anion;
        Assert.NotNull(anion);
        Assert.Equal(SeriesAnalysis.DefaultConcentrationM, anion.ConcentrationM);
        Assert.Equal(anion.Epsilon * fitted, anion.VTfsiLabAPerS, 1e-9 * anion.VTfsiLabAPerS);
        Assert.Equal((1 / anion.Epsilon + 1) * anion.VTfsiLabAPerS, anion.VTfsiSolventFrameAPerS, 1e-9 * anion.VTfsiSolventFrameAPerS);
    }

    [SkippableFact]
    public void SaysNotResolvableWhenLessThanOnePeriodFitsInTheSeries()
    {
        PythonH5py.SkipIfUnavailable();
        const double speed = 0.8;
        var (fit, run, simulator) = Analyze(speed, 14, 0.5, 0.2);
        double longestPeriodS = 2 * Math.PI / simulator.GetProperty("max_omega_rad_s").GetDouble();
        output.WriteLine($"v_true {speed} A/s: shortest period {longestPeriodS:F0} s in a series of {Frames * FrameTimeS:F0} s; " +
                         $"resolvable {fit.Velocity.Resolvable}, minimum resolvable {fit.Velocity.MinResolvableSpeedAPerS:F2} A/s, reason: {fit.Velocity.Reason}");
        Assert.True(longestPeriodS > Frames * FrameTimeS, "the case must have less than one period in the series");
        Assert.False(fit.Velocity.Resolvable);
        Assert.Null(fit.Velocity.SpeedAPerS);
        Assert.Null(fit.Velocity.SpeedErrAPerS);
        Assert.Null(fit.Anion);
        Assert.True(fit.Velocity.MinResolvableSpeedAPerS > speed, $"minimum resolvable speed {fit.Velocity.MinResolvableSpeedAPerS}");
        Assert.Contains($"not resolvable (minimum resolvable speed {fit.Velocity.MinResolvableSpeedAPerS!.Value.ToString("G3", CultureInfo.InvariantCulture)} A/s)", run.Stdout);
    }
}
