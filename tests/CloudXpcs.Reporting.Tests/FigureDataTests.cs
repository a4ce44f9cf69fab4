using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Reporting.Figures;
using CloudXpcs.Reporting.Inputs;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Reporting.Tests;

/// <summary>The pure preparation of plot data: which series and which points each figure gets.</summary>
public sealed class FigureDataTests
{
    [Fact]
    public void Interpolation_is_exact_on_a_line_and_never_extrapolates()
    {
        double[] x = [0, 10, 30], y = [1, 3, 7];   // y = 1 + 0.2 x
        foreach (double at in new[] { 0.0, 2.5, 10, 17, 30 }) Assert.Equal(1 + 0.2 * at, Grids.Interpolate(x, y, at), 12);
        Assert.True(double.IsNaN(Grids.Interpolate(x, y, -0.1)));
        Assert.True(double.IsNaN(Grids.Interpolate(x, y, 30.1)));
        Assert.Equal([0.1, 0.5, 0.7], Grids.DistinctWithin([0.5, 0.1, 0.7, 0.1 + 1e-9], 1e-6));
    }

    [Theory]
    [InlineData(1024, 8)]
    [InlineData(256, 4)]
    [InlineData(100, 16)]
    public void Averaging_widths_from_lag_frames_are_two_to_the_level_of_the_ladder(int frames, int delaysPerLevel)
    {
        var ladder = MultiTauLadder.Create(frames, delaysPerLevel);
        Assert.Equal(ladder.Select(l => 1 << l.Level), XpcsFigures.AveragingFrames(ladder.Select(l => l.LagFrames).ToArray()));
    }

    [Fact]
    public void Correlation_figure_draws_every_filled_chi_bin_of_the_chosen_q_and_the_model_of_each_fitted_bin()
    {
        var (g2, fit) = TwoQBins();
        var figure = XpcsFigures.Correlation(new SeriesResult("s", g2, fit), g2);

        // q index 1 has the bins used for the speed; its χ bin 2 is empty (no pixels) and bin 1 is not fitted.
        Assert.Contains("0.0200", figure.Title);
        var points = figure.Traces.Where(t => t.Style == TraceStyle.Points).ToList();
        // Only one bin was used for the speed, so the well-filled ones are drawn; the unused one says why.
        Assert.Equal(["χ = 0°", "χ = 60° (not used: not fitted, 40 px)"], points.Select(t => t.Label));
        Assert.All(points, t => Assert.Equal(g2.DelaysS, t.X));
        Assert.Equal(Enumerable.Range(0, g2.TauCount).Select(t => g2.G2At(t, 3)), points[0].Y);
        var model = Assert.Single(figure.Traces, t => t.Style == TraceStyle.Line);
        Assert.Equal(points[0].ColorIndex, model.ColorIndex);
        var p = Parameters(fit.Bins[3]);
        for (int i = 0; i < model.Count; i++)
        {
            int level = Math.Max(0, Array.FindLastIndex(g2.DelaysS, d => d <= model.X[i]));
            int averaging = XpcsFigures.AveragingFrames(g2.LagFrames)[level];
            Assert.Equal(HeterodyneModel.Evaluate(p, model.X[i], averaging, g2.FrameTimeS), model.Y[i], 12);
        }
        Assert.True(figure.LogX);
    }

    [Fact]
    public void Many_chi_bins_are_thinned_evenly_keeping_the_first_and_last_filled()
    {
        int phi = 12;
        int[] pixels = Enumerable.Range(0, phi).Select(ic => ic is 0 or 11 ? 0 : 30).ToArray();   // bins 1..10 filled
        var g2 = new G2File(1, 1, 0.1, [0.1], [1], new double[phi], new double[phi], [0.01], Enumerable.Range(0, phi).Select(i => i * 30.0).ToArray(),
            pixels, [0], [0], [0], [0]);
        Assert.Equal([1, 3, 5, 6, 8, 10], XpcsFigures.DrawnChiBins(g2, 0));
        pixels[5] = 0;
        pixels[6] = pixels[7] = pixels[8] = pixels[9] = 0;
        Assert.Equal([1, 2, 3, 4, 10], XpcsFigures.DrawnChiBins(g2, 0));
    }

    [Fact]
    public void Sparse_chi_bins_are_not_drawn_and_the_bins_used_for_the_speed_are_preferred()
    {
        int phi = 8;
        int[] pixels = [5, 400, 380, 420, 5, 410, 390, 300];   // bins 0 and 4 (χ = ±90°) hold a few pixels
        var g2 = new G2File(1, 1, 0.1, [0.1], [1], new double[phi], new double[phi], [0.01], Enumerable.Range(0, phi).Select(i => i * 45.0 - 90).ToArray(),
            pixels, [0], [0], [0], [0]);
        Assert.Equal([1, 2, 3, 5, 6, 7], XpcsFigures.DrawnChiBins(g2, 0));
        var fit = new FitDocument
        {
            Series = "s", PositionMm = 0, PolarizationTimeMin = 0,
            Bins = Enumerable.Range(0, phi).Select(b => new FitBinJson { Bin = b, Pixels = pixels[b], Ok = true, UsedForSpeed = b is 2 or 3 or 6 }).ToList(),
            Velocity = new FitVelocityJson { Resolvable = true, SpeedAPerS = 30, SpeedErrAPerS = 0.5, Method = "test", UsedBins = 3 },
        };
        Assert.Equal([2, 3, 6], XpcsFigures.DrawnChiBins(g2, 0, fit));
    }

    [Fact]
    public void Omega_figures_use_fitted_bins_and_lines_of_slope_equal_to_the_speed()
    {
        var (g2, fit) = TwoQBins();
        var series = new SeriesResult("s", g2, fit);

        var chi = XpcsFigures.OmegaVsCosChi(series)!;
        var master = XpcsFigures.MasterCurve([series])!;

        Assert.Equal(2, chi.Traces.Count(t => t.Style == TraceStyle.Points));   // one per q with a fitted bin
        var used = Assert.Single(master.Traces, t => t.Style == TraceStyle.Points);
        var usedBins = fit.Bins.Where(b => b.UsedForSpeed).ToList();
        Assert.Equal(usedBins.Count, used.Count);
        // |cos χ| averaged over the 120° wide bin centred on χ = 0: sin(60°)/(π/3).
        Assert.Equal(Math.Sin(Math.PI / 3) / (Math.PI / 3) * usedBins[0].QInvA, used.X[0], 5);
        var line = Assert.Single(master.Traces, t => t.Style == TraceStyle.Line);
        Assert.Equal(series.SpeedAPerS!.Value, line.Y[1] / line.X[1], 12);
        Assert.Null(XpcsFigures.OmegaVsCosChi(new SeriesResult("no fit", g2, null)));
    }

    [Fact]
    public void Profiles_give_one_figure_per_measured_time_and_the_prediction_at_a_model_time_is_its_row()
    {
        var sim = Simulation("RS", sign: 1);
        var measured = new[] { 10.0, 20.0 }.SelectMany(t => new[] { -1.0, 0.0, 1.0 }.Select(x => new ProfilePointJson(t, x, 1 + t / 100 + x, 0.01))).ToList();

        var figures = CellFigures.Profiles(measured, [sim]);

        Assert.Equal(["profile-t0010.png", "profile-t0020.png"], figures.Select(f => f.FileName));
        var predicted = Assert.Single(figures[1].Traces, t => t.Style == TraceStyle.Line);
        Assert.Equal(sim.ConcentrationM[2], predicted.Y);   // t = 20 min is the third output time
        Assert.Equal(3, figures[0].Traces[0].Count);
        var between = CellFigures.PredictedProfile(sim, 15)!;
        Assert.All(Enumerable.Range(0, between.Length), i => Assert.Equal((sim.ConcentrationM[1][i] + sim.ConcentrationM[2][i]) / 2, between[i], 12));
        Assert.Null(CellFigures.PredictedProfile(sim, 31));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Fit_speeds_take_the_sign_of_the_first_prediction_and_the_inset_is_measured_over_predicted(int sign)
    {
        var sim = Simulation("PNB", sign);
        var (g2, fit) = TwoQBins();
        var located = fit with { PositionMm = 0.5, PolarizationTimeMin = 20 };

        var points = CellFigures.MeasuredVelocities(null, [new SeriesResult("s", g2, located)], [sim], out string source);
        var figure = Assert.Single(CellFigures.Velocities(points, [sim], source));

        var point = Assert.Single(points);
        Assert.Equal(sign * located.Velocity.SpeedAPerS!.Value, point.VEoAPerS);
        Assert.Contains("PNB", source);
        var ratio = Assert.Single(figure.Inset!.Traces, t => t.Style == TraceStyle.Points);
        Assert.Equal(point.VEoAPerS / sim.VEoLabAPerS[1][2], ratio.Y[0], 12);
        Assert.Equal("velocity-x+0.50.png", figure.FileName);
    }

    [Fact]
    public void Readers_name_the_file_and_the_problem()
    {
        using var folder = new TempFolder();
        string path = folder.File("inference.json");
        File.WriteAllText(path, """{"schema":"cloudxpcs.inference/1","models":[{"model":"constant","parameters":{"tplus0":0.2},"ci95":{"tplus0":[0.1]}}]}""");
        var error = Assert.Throws<DataContractException>(() => InferenceJson.Read(path));
        Assert.Equal(path, error.Source);
        Assert.Contains("ci95.tplus0", error.Problem);

        File.WriteAllText(path, """{"schema":"cloudxpcs.comparison/2"}""");
        Assert.Contains("expected 'cloudxpcs.comparison/1'", Assert.Throws<DataContractException>(() => ComparisonJson.Read(path)).Problem);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<DataContractException>(() => RunJson.Read(path)).Problem);
    }

    /// <summary>Positions −0.5, 0.5 mm; times 0, 10, 20, 30 min; v = sign·(position index + 1)·(time index + 1).</summary>
    private static SimulationJson.Document Simulation(string set, int sign)
    {
        double[] time = [0, 10, 20, 30], x = [-1, 0, 1];
        return new SimulationJson.Document(set, time, time.Select(t => 1 - t / 100).ToArray(), x,
            time.Select(t => x.Select(p => 2 + p * t / 30).ToArray()).ToArray(), [-0.5, 0.5],
            [time.Select((_, i) => sign * (i + 1.0)).ToArray(), time.Select((_, i) => sign * 2.0 * (i + 1)).ToArray()],
            [time.Select(_ => 0.0).ToArray(), time.Select(_ => 0.0).ToArray()]);
    }

    /// <summary>2 q × 3 χ bins (χ = 0, 60, 120°), multi-tau delays of 64 frames at 0.1 s; q index 1 has the used bins.</summary>
    private static (G2File G2, FitDocument Fit) TwoQBins()
    {
        var ladder = MultiTauLadder.Create(64, 4);
        double frameTime = 0.1;
        double[] delays = ladder.Select(l => l.LagFrames * frameTime).ToArray();
        double[] q = [0.01, 0.02], chi = [0, 60, 120];
        int bins = 6;
        double speed = 30;
        int[] pixels = [40, 40, 40, 40, 40, 0];
        var fitted = new HeterodyneParameters?[bins];
        for (int b = 0; b < bins; b++)
            if (b != 4 && pixels[b] > 0)
                fitted[b] = new HeterodyneParameters(0.2, 0.5, 2.0, 1.0, speed * q[b / 3] * Math.Abs(Math.Cos(chi[b % 3] * Math.PI / 180)));
        var g2 = new double[delays.Length * bins];
        for (int t = 0; t < delays.Length; t++)
            for (int b = 0; b < bins; b++)
                g2[t * bins + b] = pixels[b] == 0 ? double.NaN : HeterodyneModel.Evaluate(fitted[b] ?? new HeterodyneParameters(0.2, 0.5, 2.0, 1.0, 0.1), delays[t]) + 0.001 * (t % 3);
        var file = new G2File(4, 4, frameTime, delays, ladder.Select(l => l.LagFrames).ToArray(), g2, g2.Select(_ => 0.01).ToArray(), q, chi, pixels,
            new int[16], new int[16], new double[16], new double[64]);
        var fitBins = Enumerable.Range(0, bins).Select(b => fitted[b] is { } p
            ? new FitBinJson { Bin = b, QInvA = q[b / 3], ChiDeg = chi[b % 3], Pixels = pixels[b], Beta = p.Beta, H = p.H, Tau0S = p.Tau0S, Gamma = p.Gamma,
                OmegaRadPerS = p.OmegaRadPerS, OmegaErrRadPerS = 0.001, Ok = true, UsedForSpeed = b >= 3 }
            : new FitBinJson { Bin = b, QInvA = q[b / 3], ChiDeg = chi[b % 3], Pixels = pixels[b], Ok = false, Reason = "not fitted" }).ToList();
        var fit = new FitDocument
        {
            Series = "s", PositionMm = 0, PolarizationTimeMin = 0, Bins = fitBins,
            Velocity = new FitVelocityJson { Resolvable = true, SpeedAPerS = speed, SpeedErrAPerS = 0.5, Method = "test", UsedBins = 2 },
        };
        return (file, fit);
    }

    private static HeterodyneParameters Parameters(FitBinJson b) => new(b.Beta!.Value, b.H!.Value, b.Tau0S!.Value, b.Gamma!.Value, b.OmegaRadPerS!.Value);
}
