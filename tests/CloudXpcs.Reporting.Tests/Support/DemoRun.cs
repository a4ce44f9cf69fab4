using System.Globalization;
using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Reporting.Figures;

namespace CloudXpcs.Reporting.Tests.Support;

/// <summary>
/// One offline demo run (`cloudxpcs demo --offline --frames 256`, no report yet) shared by the end-to-end tests, and helpers that
/// copy its run folder and add comparison.json / inference.json computed from its own results (test fixtures with
/// the schema of SCHEMAS.md, not results of the comparison code).
/// </summary>
public sealed class DemoRun : IDisposable
{
    public DemoRun()
    {
        Root = Path.Combine(Path.GetTempPath(), "cloudxpcs-reporting-tests", Guid.NewGuid().ToString("N"));
        var spec = new CloudXpcs.Analysis.Synthetic.SyntheticBeamtimeSpec { Beamtime = "demo-beamtime", Frames = 256, Seed = 2020 };
        Inputs = Path.Combine(Root, "beamtime", spec.Beamtime);
        RunDir = Path.Combine(Root, "results", spec.Beamtime);
        int code = CloudXpcs.Cli.Program.Main(["demo", "--offline", "--out", Root, "--frames", "256"]);
        if (code != 0) throw new InvalidOperationException($"demo failed with exit code {code}");
        // The demo writes a report itself; the tests write their own.
        Directory.Delete(Path.Combine(RunDir, RunReport.FolderName), recursive: true);
    }

    public string Root { get; }
    public string Inputs { get; }
    public string RunDir { get; }

    public const int SeriesCount = 10;
    /// <summary>A series that run.json lists as failed (it has no folder in the run).</summary>
    public const string FailedSeries = "x+0.90_t0300", FailedReason = "chunk 3 of 4 never arrived";
    private const int Positions = 5;

    /// <summary>
    /// Figures a report of <paramref name="runDir"/> must have: per series g2 and ω–|cos χ|, ω–q, master curve, one
    /// velocity figure per position; with simulations the current, with comparison.json the current ratio, one
    /// profile per XAM time, one profile-likelihood figure per inference model.
    /// </summary>
    public static int ExpectedFigureCount(string runDir)
    {
        string profiles = Path.Combine(runDir, "xam", "profiles.csv");
        int times = File.Exists(profiles) ? File.ReadAllLines(profiles).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count() : 0;
        bool simulations = Directory.Exists(Path.Combine(runDir, "simulations"));
        bool comparison = File.Exists(Path.Combine(runDir, "comparison.json"));
        bool inference = File.Exists(Path.Combine(runDir, "inference.json"));
        return 2 * SeriesCount + 2 + Positions + (simulations ? 1 : 0) + (comparison ? 1 : 0) + times + (inference ? 1 : 0);
    }

    /// <summary>A fresh copy of the demo's run folder.</summary>
    public string CopyRun(string name)
    {
        string target = Path.Combine(Root, "copies", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (string file in Directory.EnumerateFiles(RunDir, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(RunDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    /// <summary>
    /// comparison.json from the run's own files: measured current from the inputs' echem.csv, profiles from
    /// xam/profiles.csv, velocities from fit.json signed like each set's prediction; per set the current ratio,
    /// profile RMSE and velocity ratios; score = mean profile RMSE.
    /// </summary>
    public void WriteComparison(string runDir)
    {
        var sims = Directory.GetFiles(Path.Combine(runDir, "simulations"), "*.json").Order(StringComparer.Ordinal).Select(SimulationJson.Read).ToList();
        var echem = File.ReadAllLines(Path.Combine(Inputs, "echem.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        double[] time = echem.Select(c => double.Parse(c[0], CultureInfo.InvariantCulture)).ToArray();
        double[] current = echem.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)).ToArray();
        var profiles = XamProfilesCsv.Read(Path.Combine(runDir, "xam", "profiles.csv"));
        var fits = Directory.GetDirectories(Path.Combine(runDir, "xpcs")).Select(d => FitJson.Read(Path.Combine(d, "fit.json")))
            .Where(f => f.Velocity.Resolvable).ToList();
        var velocities = fits.Select(f => new
        {
            time_min = f.PolarizationTimeMin, position_mm = f.PositionMm,
            v_eo_A_per_s = Math.Sign(CellFigures.PredictedVelocity(sims[0], f.PositionMm, f.PolarizationTimeMin)) * f.Velocity.SpeedAPerS!.Value,
            v_eo_err_A_per_s = f.Velocity.SpeedErrAPerS!.Value, source = "fit", series = f.Series,
        }).ToList();
        var sets = sims.Select(sim =>
        {
            var times = profiles.Select(p => p.TimeMin).Distinct().Order().ToList();
            var perTime = times.Select(t =>
            {
                var predicted = CellFigures.PredictedProfile(sim, t)!;
                var dev = profiles.Where(p => p.TimeMin == t).Select(p => p.ConcentrationM - Interp(sim.XMm, predicted, p.PositionMm)).ToList();
                return new { time_min = t, rmse_M = Math.Sqrt(dev.Average(d => d * d)), max_abs_dev_M = dev.Max(Math.Abs) };
            }).ToList();
            var ratios = velocities.Select(v => (v.position_mm, ratio: v.v_eo_A_per_s / CellFigures.PredictedVelocity(sim, v.position_mm, v.time_min))).ToList();
            var positions = ratios.GroupBy(r => r.position_mm).Select(g => new
            {
                position_mm = g.Key, ratio_mean = g.Average(r => r.ratio), ratio_std = Std(g.Select(r => r.ratio).ToList()), n = g.Count(),
            }).ToList();
            return new
            {
                set = sim.Set,
                current = new { time_min = time, ratio_predicted_to_measured = time.Select((t, i) => Interp(sim.TimeMin, sim.CurrentMAPerCm2, t) / current[i]).ToArray() },
                profiles = perTime,
                velocities = new { positions, ratio_mean = ratios.Average(r => r.ratio), ratio_std = Std(ratios.Select(r => r.ratio).ToList()), positions_within_1_5_sigma = Array.Empty<double>() },
                score = perTime.Average(p => p.rmse_M),
            };
        }).ToList();
        var document = new
        {
            schema = "cloudxpcs.comparison/1", beamtime = "demo-beamtime", velocity_window_min = new[] { 200.0, 400.0 },
            measured = new
            {
                current = new { time_min = time, current_mA_cm2 = current },
                profiles = profiles.Select(p => new { time_min = p.TimeMin, position_mm = p.PositionMm, concentration_M = p.ConcentrationM, concentration_err_M = p.ConcentrationErrM }),
                velocities,
            },
            sets,
            ranking = sets.OrderBy(s => s.score).Select((s, i) => new { set = s.set, rank = i + 1, reasons = new[] { $"mean profile RMSE {s.score:0.000} mol/L" } }),
        };
        File.WriteAllText(Path.Combine(runDir, "comparison.json"), JsonSerializer.Serialize(document));
    }

    /// <summary>
    /// inference.json with one model whose profile is the χ² of the fitted speeds against s·|v predicted| of the first
    /// set over a grid of scale factors s (a real misfit of this run, standing in for the t+0 models).
    /// </summary>
    public void WriteInference(string runDir)
    {
        var sim = SimulationJson.Read(Directory.GetFiles(Path.Combine(runDir, "simulations"), "*.json").Order(StringComparer.Ordinal).First());
        var fits = Directory.GetDirectories(Path.Combine(runDir, "xpcs")).Select(d => FitJson.Read(Path.Combine(d, "fit.json"))).Where(f => f.Velocity.Resolvable).ToList();
        double Misfit(double s) => fits.Sum(f =>
        {
            double r = (f.Velocity.SpeedAPerS!.Value - s * Math.Abs(CellFigures.PredictedVelocity(sim, f.PositionMm, f.PolarizationTimeMin))) / f.Velocity.SpeedErrAPerS!.Value;
            return r * r;
        });
        var grid = Enumerable.Range(0, 41).Select(i => 0.8 + 0.01 * i).ToList();
        double best = grid.MinBy(Misfit);
        var inside = grid.Where(s => Misfit(s) <= Misfit(best) + 3.84).ToList();
        var document = new
        {
            schema = "cloudxpcs.inference/1", beamtime = "demo-beamtime", base_set = sim.Set, reference_concentration_M = 1.87,
            models = new[]
            {
                new
                {
                    model = "velocity-scale", parameters = new Dictionary<string, double> { ["scale"] = best },
                    ci95 = new Dictionary<string, double[]> { ["scale"] = [inside.Min(), inside.Max()] },
                    misfit = Misfit(best), n_data = fits.Count,
                    profile = grid.Select(s => new Dictionary<string, double> { ["scale"] = s, ["misfit"] = Misfit(s) }).ToList(),
                },
            },
            preferred = "velocity-scale", reason = "the only model of this fixture",
        };
        File.WriteAllText(Path.Combine(runDir, "inference.json"), JsonSerializer.Serialize(document));
    }

    /// <summary>run.json as the pipeline writes it: the inputs' files with their MD5, and each series' status and speed.</summary>
    public void WriteRunJson(string runDir, string runId)
    {
        var inputs = Directory.EnumerateFiles(Inputs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => new
        {
            blob = Path.GetRelativePath(Inputs, f).Replace('\\', '/'),
            md5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(f))),
            bytes = new FileInfo(f).Length,
        }).ToList();
        var series = Directory.GetDirectories(Path.Combine(runDir, "xpcs")).Order(StringComparer.Ordinal).Select(d => FitJson.Read(Path.Combine(d, "fit.json"))).Select(f => new
        {
            series = f.Series, status = "analysed", reason = f.Velocity.Reason, speed_A_per_s = f.Velocity.SpeedAPerS,
            speed_err_A_per_s = f.Velocity.SpeedErrAPerS, resolvable = f.Velocity.Resolvable,
        }).Append(new { series = FailedSeries, status = "failed", reason = (string?)FailedReason, speed_A_per_s = (double?)null, speed_err_A_per_s = (double?)null, resolvable = false });
        var document = new
        {
            schema = "cloudxpcs.run/1", beamtime = "demo-beamtime", run_id = runId, created_utc = "2026-11-25T22:00:00Z",
            parameters = new { qmap = (object?)null, transport_sets = new[] { "PNB", "RS" }, shard_threshold_pixels = 0 },
            inputs, versions = new { cloudxpcs = "9.8.7" }, series,
        };
        File.WriteAllText(Path.Combine(runDir, "run.json"), JsonSerializer.Serialize(document));
    }

    private static double Interp(double[] x, double[] y, double at) => x.Length == 0 ? double.NaN
        : at <= x[0] ? y[0] : at >= x[^1] ? y[^1] : Enumerable.Range(1, x.Length - 1).Where(i => x[i] >= at).Select(i => y[i - 1] + (at - x[i - 1]) / (x[i] - x[i - 1]) * (y[i] - y[i - 1])).First();

    private static double Std(IReadOnlyList<double> v) => v.Count < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Count - 1));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class DemoRunCollection : ICollectionFixture<DemoRun>
{
    public const string Name = "demo run (256 frames)";
}
