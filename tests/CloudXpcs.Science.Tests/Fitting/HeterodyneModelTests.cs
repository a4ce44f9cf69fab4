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
            AssertMatchesFiniteDifferences(p, grad, Eval, 1e-6, $"tau {tau}");

            double Eval(double[] v) => HeterodyneModel.Evaluate(new HeterodyneParameters(v[0], v[1], Math.Exp(v[2]), v[3], v[4]), tau, averagingFrames, frameTimeS);
        }
    }

    [Fact]
    public void Gradient_with_general_oscillation_terms_matches_finite_differences()
    {
        // Coefficients as a bin with a spread of ω passes them: all four of cos·E, sin·E, cos·E′, sin·E′ depend on ω.
        const int l = 16;
        const double dt = 0.2;
        var p = new HeterodyneParameters(0.2, 0.4, 60.0, 0.8, 0.7);
        Span<double> grad = stackalloc double[5];
        foreach (double tau in new[] { 12.8, 51.2, 204.8 })
        {
            HeterodyneModel.EvaluateWithGradient(p, tau, Terms(p.OmegaRadPerS, out var dTerms), dTerms, grad);
            AssertMatchesFiniteDifferences(p, grad, Eval, 1e-7, $"tau {tau}");

            double Eval(double[] v) => HeterodyneModel.Evaluate(new HeterodyneParameters(v[0], v[1], Math.Exp(v[2]), v[3], v[4]), tau, Terms(v[4], out _));
        }

        static OscillationTerms Terms(double omega, out OscillationTerms derivative)
        {
            double f = HeterodyneModel.FejerFactor(omega, l, dt, out double df, out double d2f);
            derivative = new OscillationTerms(df, 0.9 * Math.Cos(3.0 * omega), -0.5 * Math.Sin(omega), d2f);
            return new OscillationTerms(f, 0.3 * Math.Sin(3.0 * omega), 0.5 * Math.Cos(omega), df);
        }
    }

    /// <summary>Central differences of <paramref name="eval"/> in (β, h, ln τ0, γ, ω) against the analytic gradient.</summary>
    private static void AssertMatchesFiniteDifferences(in HeterodyneParameters p, ReadOnlySpan<double> grad, Func<double[], double> eval, double absoluteTolerance, string where)
    {
        double[] x = [p.Beta, p.H, Math.Log(p.Tau0S), p.Gamma, p.OmegaRadPerS];
        for (int k = 0; k < 5; k++)
        {
            double h = 1e-6 * Math.Max(1.0, Math.Abs(x[k]));
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[k] += h; down[k] -= h;
            double numeric = (eval(up) - eval(down)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[k]) <= absoluteTolerance + 1e-5 * Math.Abs(numeric), $"{where} parameter {k}: {grad[k]} vs {numeric}");
        }
    }

    [Fact]
    public void Triangular_average_of_a_decaying_cosine_is_matched_to_first_order_in_the_envelope_slope()
    {
        // Binned multi-tau average of cos(ω(τ+s))·exp(−(τ+s)/τ0) over s (weights (L−|m|)/L²) against the model's
        // F·cos·E + F′·sin·E′; without the F′ term the phase lags (the fitted ω came out low).
        const int l = 32;
        const double dt = 0.2, tau0 = 40.0, omega = 0.4;
        var p = new HeterodyneParameters(1.0, 0.5, tau0, 1.0, omega);
        foreach (long lag in new long[] { 4 * l, 6 * l, 7 * l })
        {
            double exact = 0;
            for (int m = -(l - 1); m <= l - 1; m++)
            {
                double t = (lag + m) * dt;
                exact += (l - Math.Abs(m)) * Math.Cos(omega * t) * Math.Exp(-t / tau0);
            }
            exact /= (double)l * l;
            double tau = lag * dt;
            // Oscillating part of the model: (g2 − 1 − β(1−h)² − h²βE²)/(2h(1−h)β) with β = 1, h = 0.5.
            double e = Math.Exp(-tau / tau0);
            double model = (HeterodyneModel.Evaluate(p, tau, l, dt) - 1.0 - 0.25 - 0.25 * e * e) / 0.5;
            double withoutLag = Math.Cos(omega * tau) * HeterodyneModel.FejerFactor(omega, l, dt, out _) * e;
            Assert.True(Math.Abs(model - exact) < 0.25 * Math.Abs(withoutLag - exact), $"lag {lag}: model {model} exact {exact} without lag {withoutLag}");
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
