using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Science.Tests.Fitting;

public class HeterodyneModelTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(8, 0.2)]
    public void Gradient_matches_finite_differences(int averagingFrames, double frameTimeS)
    {
        var p = new HeterodyneParameters(0.2, 0.4, 60.0, 1.3, 0.7);
        Span<double> grad = stackalloc double[5];
        foreach (double tau in new[] { 0.2, 3.4, 51.2, 204.8 })
        {
            HeterodyneModel.EvaluateWithGradient(p, tau, averagingFrames, frameTimeS, grad);
            double[] x = [p.Beta, p.H, Math.Log(p.Tau0S), p.Gamma, p.OmegaRadPerS];
            for (int k = 0; k < 5; k++)
            {
                double h = 1e-6 * Math.Max(1.0, Math.Abs(x[k]));
                double[] up = (double[])x.Clone(), down = (double[])x.Clone();
                up[k] += h; down[k] -= h;
                double numeric = (Eval(up) - Eval(down)) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[k]) <= 1e-6 + 1e-5 * Math.Abs(numeric), $"tau {tau} parameter {k}: {grad[k]} vs {numeric}");
            }

            double Eval(double[] v) => HeterodyneModel.Evaluate(new HeterodyneParameters(v[0], v[1], Math.Exp(v[2]), v[3], v[4]), tau, averagingFrames, frameTimeS);
        }
    }

    [Fact]
    public void At_zero_delay_g2_is_one_plus_beta_and_decays_to_the_baseline()
    {
        var p = new HeterodyneParameters(0.25, 0.6, 40.0, 1.0, 0.3);
        Assert.Equal(1.25, HeterodyneModel.Evaluate(p, 1e-12), 9);
        Assert.Equal(p.Baseline, HeterodyneModel.Evaluate(p, 1e5), 12);
    }

    [Theory]
    [InlineData(4, 0.9)]
    [InlineData(16, 1.9)]
    [InlineData(64, 0.05)]
    public void Fejer_factor_equals_the_triangular_average_of_the_cosine(int l, double omega)
    {
        const double dt = 0.2, tau = 30.0;
        double sum = 0;
        for (int m = -(l - 1); m <= l - 1; m++) sum += (l - Math.Abs(m)) * Math.Cos(omega * (tau + m * dt));
        double brute = sum / ((double)l * l);
        Assert.Equal(brute, Math.Cos(omega * tau) * HeterodyneModel.FejerFactor(omega, l, dt, out _), 12);
    }
}
