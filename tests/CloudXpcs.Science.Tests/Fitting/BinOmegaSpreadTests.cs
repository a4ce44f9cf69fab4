using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// The g2 of a real bin averages cos(ω_p τ) over pixels whose ω_p = v·q_p·|cos χ_p| spread over the bin's q and χ
/// ranges. <see cref="BinOmegaSpread"/> models that dephasing; these tests check it against explicit pixel averages.
/// </summary>
public class BinOmegaSpreadTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.004, 37.5, 0.0015, 15.0)]
    [InlineData(0.002, 7.5, 0.0019, 15.0)]
    [InlineData(0.006, 60.0, 0.001, 20.0)]
    public void Dephasing_matches_the_pixel_average_of_the_cosine(double q, double chi, double dq, double dchi)
    {
        var spread = BinOmegaSpread.OfBin(q, chi, dq, dchi);
        double omegaC = 40.0 * q * spread.MeanAbsCosChi;   // 40 Å/s
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
            double model = Math.Cos(omegaC * tau) * spread.Dephasing(omegaC, tau, out _);
            double noSpread = Math.Cos(omegaC * tau);
            output.WriteLine($"q {q} chi {chi} tau {tau}: pixel average {exact:F5}, model {model:F5}, without the spread {noSpread:F5}");
            // First order in the spreads (q·|cos χ| is a product, and |cos χ| is not exactly uniform): about 1 % of the
            // oscillation amplitude where the dephasing is strong, several times closer than a single frequency.
            Assert.Equal(exact, model, 0.015);
            if (Math.Abs(noSpread - exact) > 0.02) Assert.True(Math.Abs(model - exact) < Math.Abs(noSpread - exact) / 3,
                $"tau {tau}: model {model}, single frequency {noSpread}, pixel average {exact}");
        }
    }

    [Fact]
    public void Dephasing_derivative_matches_finite_differences()
    {
        var spread = BinOmegaSpread.OfBin(0.004, 37.5, 0.0015, 15.0);
        foreach (double omega in new[] { 0.01, 0.1, 0.3 })
        foreach (double tau in new[] { 0.5, 20.0, 150.0 })
        {
            spread.Dephasing(omega, tau, out double d);
            double h = 1e-6 * omega;
            double numeric = (spread.Dephasing(omega + h, tau, out _) - spread.Dephasing(omega - h, tau, out _)) / (2 * h);
            Assert.Equal(numeric, d, Math.Max(1e-6, 1e-5 * Math.Abs(numeric)));
        }
    }

    [Fact]
    public void Delay_slope_and_its_omega_derivative_match_finite_differences()
    {
        var spread = BinOmegaSpread.OfBin(0.004, 37.5, 0.0015, 15.0);
        foreach (double omega in new[] { 0.01, 0.1, 0.3 })
        foreach (double tau in new[] { 0.5, 20.0, 150.0 })
        {
            double slope = spread.DelaySlope(omega, tau, out double dSlope);
            double ht = 1e-6 * tau;
            double numericSlope = (spread.Dephasing(omega, tau + ht, out _) - spread.Dephasing(omega, tau - ht, out _)) / (2 * ht);
            Assert.Equal(numericSlope, slope, Math.Max(1e-8, 1e-5 * Math.Abs(numericSlope)));
            double hw = 1e-6 * omega;
            double numericD = (spread.DelaySlope(omega + hw, tau, out _) - spread.DelaySlope(omega - hw, tau, out _)) / (2 * hw);
            Assert.Equal(numericD, dSlope, Math.Max(1e-7, 1e-5 * Math.Abs(numericD)));
        }
    }

    [Fact]
    public void The_mean_of_abs_cos_chi_is_the_bin_projection()
    {
        Assert.Equal(Math.Sin(15.0 * Math.PI / 180) / (15.0 * Math.PI / 180), BinOmegaSpread.OfBin(0.004, 7.5, 0.001, 15.0).MeanAbsCosChi, 6);
        // A bin across 90°: |cos χ| from 0 to sin(10°) on both sides.
        var across = BinOmegaSpread.OfBin(0.004, 90.0, 0.001, 20.0);
        Assert.Equal((1 - Math.Cos(10.0 * Math.PI / 180)) / (10.0 * Math.PI / 180), across.MeanAbsCosChi, 6);
        Assert.Equal(0.0, BinOmegaSpread.OfBin(0.004, 30.0, 0.0, 0.0).RelativeHalfWidthChi);
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
        // The spread model is first order (the skew of the |cos χ| distribution is left out): at this precision
        // (σ_v ≈ 0.05 %) about 0.4 % low, well inside 1 %; on simulated speckle series it is within 2 σ (Cli tests).
        Assert.Equal(speed, with.SpeedAPerS!.Value, speed * 0.01);
        // A single frequency per bin cannot describe these curves: no speed, or one much further off.
        Assert.True(!without.Resolvable || Math.Abs(without.SpeedAPerS!.Value - speed) > 2 * Math.Abs(with.SpeedAPerS.Value - speed),
            $"without the bin widths: {without.SpeedAPerS} ({without.Reason})");
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
}
