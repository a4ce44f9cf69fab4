using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// The g2 of a real bin averages cos(ω_p τ) over pixels whose ω_p = v·q_p·|cos χ_p| spread over the bin's q and χ
/// ranges. <see cref="BinOmegaSpread"/> carries that distribution as quadrature nodes; these tests check it against explicit
/// pixel averages.
/// </summary>
public class BinOmegaSpreadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.004, 37.5, 0.0015, 15.0)]
    [InlineData(0.002, 7.5, 0.0019, 15.0)]
    [InlineData(0.006, 60.0, 0.001, 20.0)]
    [InlineData(0.0050, 22.5, 0.0041, 45.0)]   // a 4 x 8 bin
    [InlineData(0.0050, 67.5, 0.0041, 45.0)]
    public void Nodes_match_the_pixel_average_of_the_cosine(double q, double chi, double dq, double dchi)
    {
        var spread = BinOmegaSpread.OfBin(q, chi, dq, dchi);
        double omega = 40.0 * q * spread.MeanAbsCosChi;   // 40 Å/s
        var oscillation = new BinOscillation(spread, omega, 0.0);
        foreach (double tau in new[] { 1.0, 10.0, 30.0, 60.0, 100.0 })
        {
            // Pixels uniform in q and in χ over the bin.
            const int n = 400;
            double sum = 0;
            for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double qp = q - dq / 2 + (i + 0.5) * dq / n;
                double chip = (chi - dchi / 2 + (j + 0.5) * dchi / n) * Math.PI / 180.0;
                sum += Math.Cos(40.0 * qp * Math.Abs(Math.Cos(chip)) * tau);
            }
            double exact = sum / (n * n);
            var t = oscillation.Terms(1, tau, out _);
            double model = Math.Cos(omega * tau) * t.CosOnE + Math.Sin(omega * tau) * t.SinOnE;
            output.WriteLine($"q {q} chi {chi} tau {tau}: pixel average {exact:F5}, nodes {model:F5}, single frequency {Math.Cos(omega * tau):F5}");
            // Within 0.4 % of the oscillation amplitude while the bin still oscillates; once a wide (4 x 8) bin has
            // dephased to a few % (τ = 100 here) the 8 slices leave up to 3 %, against 40-90 % for a single frequency.
            Assert.Equal(exact, model, tau <= 60 ? 0.004 : 0.03);
        }
    }

    [Fact]
    public void Node_terms_derivatives_match_finite_differences()
    {
        // A lopsided bin (most pixels near the top of its u range) with multi-tau averaging.
        var rng = new Random(3);
        double[] u = Enumerable.Range(0, 500).Select(_ => 0.004 * (1.0 - 0.4 * Math.Pow(rng.NextDouble(), 3))).ToArray();
        double[] w = Enumerable.Range(0, 500).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var spread = BinOmegaSpread.FromPixels(u, w, 0.0045);
        foreach (double omega in new[] { 0.01, 0.1, 0.3 })
        foreach (int l in new[] { 1, 16 })
        foreach (double tau in new[] { 0.5, 20.0, 150.0 })
        {
            new BinOscillation(spread, omega, 0.2).Terms(l, tau, out var d);
            double h = 1e-6 * omega;
            var up = new BinOscillation(spread, omega + h, 0.2).Terms(l, tau, out _);
            var down = new BinOscillation(spread, omega - h, 0.2).Terms(l, tau, out _);
            Check(d.CosOnE, (up.CosOnE - down.CosOnE) / (2 * h));
            Check(d.SinOnE, (up.SinOnE - down.SinOnE) / (2 * h));
            Check(d.CosOnSlope, (up.CosOnSlope - down.CosOnSlope) / (2 * h));
            Check(d.SinOnSlope, (up.SinOnSlope - down.SinOnSlope) / (2 * h));
        }

        static void Check(double analytic, double numeric) => Assert.Equal(numeric, analytic, Math.Max(1e-6, 1e-5 * Math.Abs(numeric)));
    }

    [Theory]
    [InlineData(0.02, 0.01)]
    [InlineData(0.9, 0.001)]    // up to ~2000 rad of phase at the longest delay
    [InlineData(3.0, 0.0002)]
    public void Terms_along_a_ladder_equal_the_terms_computed_afresh_at_each_delay(double omega, double frameTimeS)
    {
        // The delays a multi-tau ladder gives (4 per level above 8, 16 levels), then ones off that pattern: a repeated
        // delay, a step back, an uneven step. One BinOscillation steps its phases and Fejér factors along them; a new one
        // per delay computes every sine directly.
        var rng = new Random(11);
        double[] u = Enumerable.Range(0, 300).Select(_ => 0.004 * (1.0 - 0.5 * rng.NextDouble())).ToArray();
        var spread = BinOmegaSpread.FromPixels(u, Enumerable.Repeat(1.0, u.Length).ToArray(), 0.004);
        var ladder = MultiTauLadder.Create(1 << 17, 4).Select(l => (l.LagFrames, 1 << l.Level)).ToList();
        ladder.AddRange([(ladder[^1].Item1, ladder[^1].Item2), (100_000L, 1 << 15), (100_003L, 1 << 15), (7L, 1)]);
        // The same object is then retuned to another ω and walked again, as the periodogram does.
        var stepped = new BinOscillation(spread, omega, frameTimeS);
        double worst = 0, worstSlope = 0;
        Walk(omega);
        stepped.Retune(1.7 * omega);
        Walk(1.7 * omega);
        output.WriteLine($"omega {omega}, frame time {frameTimeS}: largest difference {worst:E2} (terms on E), {worstSlope:E2} (on E′)");
        Assert.True(worst < 1e-12, $"stepped terms on E differ from direct ones by {worst:E2}");
        Assert.True(worstSlope < 1e-8, $"stepped terms on E′ differ from direct ones by {worstSlope:E2}");

        void Walk(double w)
        {
            foreach (var (frames, averaging) in ladder)
            {
                double tau = frames * frameTimeS;
                var a = stepped.Terms(averaging, tau, out var da);
                var b = new BinOscillation(spread, w, frameTimeS).Terms(averaging, tau, out var db);
                // Each coefficient against what it contributes to g2 (the node weights sum to 1 and |F| ≤ 1): those on
                // E′ ≈ E/τ and the ω-derivatives weigh with τ.
                foreach (var (x, y, s) in new[] { (a.CosOnE, b.CosOnE, 1.0), (a.SinOnE, b.SinOnE, 1.0), (da.CosOnE, db.CosOnE, tau), (da.SinOnE, db.SinOnE, tau) })
                    worst = Math.Max(worst, Math.Abs(x - y) / s);
                // F′ and F″ (the coefficients on E′ and their ω-derivatives) lose digits as 1/a² and 1/a⁴ for small
                // a = ωδ/2, whichever way sin(L·a) was computed: there the two ways may differ by more than rounding.
                foreach (var (x, y, s) in new[] { (a.CosOnSlope, b.CosOnSlope, tau), (a.SinOnSlope, b.SinOnSlope, tau),
                             (da.CosOnSlope, db.CosOnSlope, tau * tau), (da.SinOnSlope, db.SinOnSlope, tau * tau) })
                    worstSlope = Math.Max(worstSlope, Math.Abs(x - y) / s);
            }
        }
    }

    [Fact]
    public void Nodes_keep_the_weighted_mean_and_variance_and_unit_weight()
    {
        double[] u = [0.001, 0.002, 0.0035, 0.004, 0.0041, 0.0042, 0.0043];
        double[] w = [1, 2, 1, 3, 1, 1, 0.5];
        var spread = BinOmegaSpread.FromPixels(u, w, 0.004, nodes: 4);
        double mean = u.Zip(w, (a, b) => a * b).Sum() / w.Sum();
        double meanSquare = u.Zip(w, (a, b) => a * a * b).Sum() / w.Sum();
        Assert.Equal(mean / 0.004, spread.MeanAbsCosChi, 12);
        Assert.Equal(4, spread.NodeCount);
        double total = 0, first = 0, second = 0;
        for (int j = 0; j < spread.NodeCount; j++)
        {
            total += spread.Weights[j];
            first += spread.Weights[j] * spread.Ratios[j];
            second += spread.Weights[j] * spread.Ratios[j] * spread.Ratios[j];
        }
        Assert.Equal(1.0, total, 12);
        Assert.Equal(1.0, first, 12);
        Assert.Equal(meanSquare / (mean * mean), second, 12);
    }

    [Fact]
    public void Q_map_nodes_weigh_pixels_by_their_static_bin()
    {
        var geometry = new DetectorGeometry(64, 64, 75e-6, 5.0, 20.3, 31.7, 8.0);
        var map = QMap.Build(geometry, new QMapSpec(0.0005, 0.0035, 3, 6, 4), flowAxisDeg: 10.0);
        var spreads = BinOmegaSpread.OfQMap(map);
        var sumWu = new double[map.DynamicBinCount];
        var sumW = new double[map.DynamicBinCount];
        for (int row = 0; row < 64; row++)
        for (int col = 0; col < 64; col++)
        {
            int p = row * 64 + col, b = map.DynamicBinOfPixel[p];
            if (b < 0) continue;
            double wp = 1.0 / map.StaticPixelCounts[map.StaticBinOfPixel[p]];
            double chi = (geometry.PhiDeg(row, col) - 10.0) * Math.PI / 180.0;
            sumWu[b] += wp * geometry.QInvA(row, col) * Math.Abs(Math.Cos(chi));
            sumW[b] += wp;
        }
        for (int b = 0; b < map.DynamicBinCount; b++)
        {
            if (map.DynamicPixelCounts[b] == 0) continue;
            Assert.Equal(sumWu[b] / sumW[b] / map.QOfBin(b), spreads[b].MeanAbsCosChi, 10);
            Assert.InRange(spreads[b].NodeCount, 1, BinOmegaSpread.DefaultNodeCount);
        }
    }

    [Fact]
    public void The_mean_of_abs_cos_chi_is_the_bin_projection()
    {
        Assert.Equal(Math.Sin(15.0 * Math.PI / 180) / (15.0 * Math.PI / 180), BinOmegaSpread.OfBin(0.004, 7.5, 0.001, 15.0).MeanAbsCosChi, 6);
        // A bin across 90°: |cos χ| from 0 to sin(10°) on both sides.
        var across = BinOmegaSpread.OfBin(0.004, 90.0, 0.001, 20.0);
        Assert.Equal((1 - Math.Cos(10.0 * Math.PI / 180)) / (10.0 * Math.PI / 180), across.MeanAbsCosChi, 6);
        Assert.Equal(1, BinOmegaSpread.OfBin(0.004, 30.0, 0.0, 0.0).NodeCount);
    }

    /// <summary>
    /// Wide bins at a high speed: g2 from explicit pixel averages (uniform in q and χ over each bin, multi-tau
    /// averaging included) with small noise. With the bin widths the speed comes back within 1 %; without them the
    /// single-frequency model fails on these curves.
    /// </summary>
    [Fact]
    public void Speed_of_pixel_averaged_wide_bins_is_recovered_with_the_bin_widths()
    {
        const double speed = 55.0, frameTime = 0.2, beta = 0.15, h = 0.6, tau0 = 250.0;
        const double qMin = 0.0011, qMax = 0.0086;
        const int qBins = 4, phiBins = 24, frames = 2500;
        double dq = (qMax - qMin) / qBins, dchi = 360.0 / phiBins;
        var lags = MultiTauLadder.Create(frames, 4);
        double[] delays = lags.Select(l => l.LagFrames * frameTime).ToArray();
        int[] averaging = lags.Select(l => 1 << l.Level).ToArray();
        var bins = new List<(double Q, double Chi)>();
        for (int iq = 0; iq < qBins; iq++)
            for (int ic = 0; ic < 6; ic++) bins.Add((qMin + (iq + 0.5) * dq, (ic + 0.5) * dchi));   // χ in (0°, 90°)
        int nb = bins.Count, nt = delays.Length;
        var g2 = new double[nt * nb];
        var err = new double[nt * nb];
        var rng = new Random(5);
        for (int b = 0; b < nb; b++)
        {
            for (int t = 0; t < nt; t++)
            {
                double tau = delays[t], sum = 0;
                const int n = 24;
                for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double qp = bins[b].Q - dq / 2 + (i + 0.5) * dq / n;
                    double chip = (bins[b].Chi - dchi / 2 + (j + 0.5) * dchi / n) * Math.PI / 180.0;
                    double w = speed * qp * Math.Abs(Math.Cos(chip));
                    sum += Math.Cos(w * tau) * HeterodyneModel.FejerFactor(w, averaging[t], frameTime, out _);
                }
                double e1 = Math.Exp(-tau / tau0);
                double clean = 1 + beta * (1 - h) * (1 - h) + h * h * beta * e1 * e1 + 2 * h * (1 - h) * beta * e1 * sum / (n * n);
                double sigma = 0.0005 * Math.Sqrt(1 + t / 8.0);
                g2[t * nb + b] = clean + sigma * Gaussian(rng);
                err[t * nb + b] = sigma;
            }
        }
        double[] q = bins.Select(x => x.Q).ToArray(), chi = bins.Select(x => x.Chi).ToArray();
        int[] pixels = Enumerable.Repeat(200, nb).ToArray();
        var with = HeterodyneSeriesFitter.Fit(delays, g2, err, q, chi, pixels, null, averaging, frameTime, dq, dchi).Velocity;
        var without = HeterodyneSeriesFitter.Fit(delays, g2, err, q, chi, pixels, null, averaging, frameTime).Velocity;
        output.WriteLine($"with bin widths: {with.SpeedAPerS:F3} +- {with.SpeedErrAPerS:F3}; without: {without.SpeedAPerS:F3} +- {without.SpeedErrAPerS:F3} " +
                         $"(resolvable {without.Resolvable}, {without.Reason}) (true {speed})");
        Assert.True(with.Resolvable, with.Reason);
        Assert.Equal(speed, with.SpeedAPerS!.Value, speed * 0.003);   // σ_v ≈ 0.05 %: the nodes leave no visible bias
        // A single frequency per bin cannot describe these curves: no speed, or one much further off.
        Assert.True(!without.Resolvable || Math.Abs(without.SpeedAPerS!.Value - speed) > 2 * Math.Abs(with.SpeedAPerS.Value - speed),
            $"without the bin widths: {without.SpeedAPerS} ({without.Reason})");
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
}
