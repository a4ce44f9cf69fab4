using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Science.Tests.Fitting;

public class RelaxationFitterTests
{
    private static double[] Delays() => MultiTauLadder.Create(1 << 16, 4).Select(l => l.LagFrames * 1e-3).ToArray();

    [Theory]
    [InlineData(0.05, 1.0, 0.2)]
    [InlineData(2.0, 0.7, 0.05)]
    [InlineData(0.5, 1.6, 0.3)]
    public void AStretchedExponentialIsRecoveredWithinItsErrors(double tau0S, double gamma, double contrast)
    {
        double[] tau = Delays();
        var random = new Random(7);
        const double sigma = 2e-3;
        double[] g2 = tau.Select(t => 1.0 + contrast * Math.Exp(-2 * Math.Pow(t / tau0S, gamma)) + sigma * Gaussian(random)).ToArray();
        var fit = RelaxationFitter.Fit(0, 0.01, 0.0, tau, g2, tau.Select(_ => sigma).ToArray());
        Assert.True(fit.Resolved, fit.Reason);
        Assert.InRange(fit.ReducedChi2, 0.5, 1.6);
        Assert.True(Math.Abs(fit.Tau0S!.Value - tau0S) < 4 * fit.Tau0ErrS!.Value, $"tau0 {fit.Tau0S} ± {fit.Tau0ErrS}, true {tau0S}");
        Assert.True(Math.Abs(fit.Gamma!.Value - gamma) < 4 * fit.GammaErr!.Value, $"gamma {fit.Gamma} ± {fit.GammaErr}, true {gamma}");
        Assert.True(Math.Abs(fit.Contrast!.Value - contrast) < 4 * fit.ContrastErr!.Value, $"contrast {fit.Contrast} ± {fit.ContrastErr}, true {contrast}");
        Assert.True(fit.Tau0ErrS < 0.1 * tau0S);
    }

    [Fact]
    public void ARelaxationSlowerThanTheLongestDelayIsNotResolved()
    {
        double[] tau = Delays();
        double[] g2 = tau.Select(t => 1.0 + 0.2 * Math.Exp(-2 * (t / 1e4))).ToArray();
        var fit = RelaxationFitter.Fit(0, 0.01, 0.0, tau, g2, tau.Select(_ => 1e-3).ToArray());
        Assert.False(fit.Resolved);
        Assert.Contains("outside the measured delays", fit.Reason);
    }

    [Fact]
    public void ZerosAndMissingErrorsDoNotEnterAndEmptyColumnsAreNotFitted()
    {
        double[] tau = Delays();
        int nTau = tau.Length;
        var g2 = new double[nTau * 2];
        var err = new double[nTau * 2];
        for (int t = 0; t < nTau; t++)
        {
            g2[2 * t] = t % 5 == 0 ? 0.0 : 1.0 + 0.3 * Math.Exp(-2 * tau[t] / 0.2);
            err[2 * t] = t % 5 == 0 ? 0.0 : 1e-3;
            g2[2 * t + 1] = double.NaN;
            err[2 * t + 1] = double.NaN;
        }
        var fits = RelaxationFitter.FitColumns(tau, g2, err, [0.01, 0.02], [0.0, 0.0]);
        Assert.Equal(nTau - (nTau + 4) / 5, fits[0].DelayCount);
        Assert.True(fits[0].Resolved, fits[0].Reason);
        Assert.Equal(0.2, fits[0].Tau0S!.Value, 1e-6);
        Assert.False(fits[1].Resolved);
        Assert.Null(fits[1].Tau0S);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
