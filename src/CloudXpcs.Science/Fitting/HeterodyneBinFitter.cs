namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Fits Eq. 1 to one bin: periodogram starting values, a bounded Levenberg–Marquardt refinement from each
/// candidate (the lowest χ² wins), standard errors from (JᵀWJ)⁻¹ scaled by the reduced χ², and the tests that
/// decide whether the bin carries a measurable oscillation.
/// </summary>
/// <remarks>
/// The Levenberg–Marquardt loop is this project's own, not MathNet's <c>LevenbergMarquardtMinimizer</c>: MathNet
/// imposes bounds by a sine/square-root change of variables (which flattens the objective at h = 0 or 1 and needs
/// the covariance mapped back), allocates vectors and matrices every iteration, and cannot exploit the arrowhead
/// structure of the joint shared-speed fit (<see cref="SharedSpeedFitter"/>). Here a parameter on a bound whose
/// descent direction points out of the box is held for the step (active set), every step is projected onto the box,
/// τ0 is fitted as ln τ0, and the 5×5 normal equations are solved by Cholesky on the stack (no allocation per
/// iteration).
/// </remarks>
internal static class HeterodyneBinFitter
{
    public static BinFit Fit(int bin, double qInvA, double chiDeg, int pixelCount, BinSeries data, double omegaMaxRadPerS, FitOptions options)
    {
        var fit = new BinFit { Bin = bin, QInvA = qInvA, ChiDeg = chiDeg, PixelCount = pixelCount, DelayCount = data.Count, Ok = false };
        if (pixelCount < options.MinPixels) return fit with { Reason = $"too few pixels ({pixelCount} < {options.MinPixels})" };
        if (data.Count < options.MinDelays) return fit with { Reason = $"too few finite delays ({data.Count} < {options.MinDelays})" };

        var box = new ParameterBox(data, omegaMaxRadPerS, options);
        var candidates = DampedCosinePeriodogram.Candidates(data, omegaMaxRadPerS, options);
        if (candidates.Count == 0) return fit with { Reason = "no oscillation in the periodogram" };

        LmSolution? best = null;
        foreach (var start in candidates)
        {
            var solution = Refine(data, start, box, options.MaxIterations);
            if (solution is { } s && (best is null || s.Chi2 < best.Value.Chi2)) best = s;
        }
        if (best is not { } sol) return fit with { Reason = "fit failed (no finite solution)" };

        // Null model without oscillation (ω held at 0), started from the winner's (β, h, τ0, γ).
        double nullChi2 = Refine(data, sol.Parameters, box, options.MaxIterations, withoutOscillation: true)?.Chi2 ?? double.PositiveInfinity;

        int dof = data.Count - ParameterBox.Count;
        double reducedChi2 = sol.Chi2 / dof;
        var p = sol.Parameters;
        Span<double> sigma = stackalloc double[ParameterBox.Count];
        for (int i = 0; i < ParameterBox.Count; i++) sigma[i] = Math.Sqrt(sol.Covariance[i * ParameterBox.Count + i] * reducedChi2);
        var errors = new HeterodyneParameters(sigma[0], sigma[1], p.Tau0S * sigma[2], sigma[3], sigma[4]);
        fit = fit with { Parameters = p, StandardErrors = errors, ReducedChi2 = reducedChi2 };

        if (!double.IsFinite(reducedChi2) || !sigma.ToArray().All(double.IsFinite))
            return fit with { Reason = "fit failed (singular covariance)" };
        if (reducedChi2 > options.MaxReducedChi2)
            return fit with { Reason = $"poor fit (reduced chi2 {reducedChi2:G3} > {options.MaxReducedChi2:G3})" };

        double deltaChi2 = nullChi2 - sol.Chi2;
        if (!(deltaChi2 >= options.MinDeltaChi2))
            return fit with { Reason = $"no measurable oscillation (chi2 improves by {deltaChi2:G3} over no oscillation, {options.MinDeltaChi2:G3} needed)" };

        // Amplitude A = 2h(1−h)β and its error from the (β, h) block of the covariance.
        double dADBeta = 2.0 * p.H * (1.0 - p.H), dADH = 2.0 * p.Beta * (1.0 - 2.0 * p.H);
        double varA = reducedChi2 * (dADBeta * dADBeta * sol.Covariance[0] + 2.0 * dADBeta * dADH * sol.Covariance[1]
                                     + dADH * dADH * sol.Covariance[ParameterBox.Count + 1]);
        double amplitude = p.OscillationAmplitude;
        if (!(amplitude > options.MinAmplitudeSignificance * Math.Sqrt(Math.Max(varA, 0.0))))
            return fit with { Reason = $"no measurable oscillation (amplitude {amplitude:G3} not above {options.MinAmplitudeSignificance} sigma)" };
        if (!(p.OmegaRadPerS > options.MinOmegaSignificance * errors.OmegaRadPerS))
            return fit with { Reason = $"no measurable oscillation (omega {p.OmegaRadPerS:G3} +- {errors.OmegaRadPerS:G3} rad/s)" };
        double periods = p.OmegaRadPerS * data.LongestDelayS / (2.0 * Math.PI);
        if (periods < options.MinPeriodsPerBin)
            return fit with { Reason = $"no measurable oscillation ({periods:G3} periods in the series)" };
        return fit with { Ok = true };
    }

    internal readonly record struct LmSolution(HeterodyneParameters Parameters, double Chi2, double[] Covariance);

    /// <summary>Bounded Levenberg–Marquardt from one start. Covariance is the unscaled (JᵀWJ)⁻¹ in (β, h, ln τ0, γ, ω).</summary>
    /// <param name="withoutOscillation">Fix ω = 0 (the null model g2 = 1 + β(1−h)² + h²βE² + 2h(1−h)βE).</param>
    internal static LmSolution? Refine(BinSeries data, in HeterodyneParameters start, in ParameterBox box, int maxIterations, bool withoutOscillation = false)
    {
        const int m = ParameterBox.Count;
        Span<double> x = stackalloc double[m];
        Span<double> trial = stackalloc double[m];
        Span<double> normal = stackalloc double[m * m];
        Span<double> gradient = stackalloc double[m];
        Span<double> step = stackalloc double[m];
        Span<double> damped = stackalloc double[m * m];
        ParameterBox.Pack(start, x);
        for (int i = 0; i < m; i++) x[i] = box.Clamp(i, x[i]);
        if (withoutOscillation) x[4] = 0.0;

        double chi2 = BuildNormalEquations(data, x, normal, gradient, withoutOscillation);
        if (!double.IsFinite(chi2)) return null;
        double lambda = 1e-3;
        for (int iter = 0; iter < maxIterations; iter++)
        {
            bool accepted = false;
            while (lambda < 1e12)
            {
                normal.CopyTo(damped);
                for (int i = 0; i < m; i++) damped[i * m + i] += lambda * Math.Max(normal[i * m + i], 1e-30);
                gradient.CopyTo(step);
                for (int i = 0; i < m; i++)
                    if (box.Blocks(i, x[i], gradient[i])) SmallLinearAlgebra.HoldParameter(damped, step, m, i);
                if (!SmallLinearAlgebra.Cholesky(damped, m)) { lambda *= 10; continue; }
                SmallLinearAlgebra.CholeskySolve(damped, m, step);
                for (int i = 0; i < m; i++) trial[i] = box.Clamp(i, x[i] + step[i]);
                double trialChi2 = data.ChiSquare(ParameterBox.Unpack(trial, trial[4]));
                if (double.IsFinite(trialChi2) && trialChi2 < chi2)
                {
                    double decrease = chi2 - trialChi2;
                    trial.CopyTo(x);
                    chi2 = BuildNormalEquations(data, x, normal, gradient, withoutOscillation);
                    lambda = Math.Max(lambda * 0.3, 1e-12);
                    accepted = true;
                    if (decrease < Math.Max(1e-7 * chi2, ConvergedChi2Decrease)) iter = maxIterations;
                    break;
                }
                lambda *= 10;
            }
            if (!accepted) break;
        }

        // Covariance from the undamped normal matrix; a tiny ridge keeps parameters pinned at a bound finite.
        var covariance = new double[m * m];
        normal.CopyTo(damped);
        if (!SmallLinearAlgebra.Cholesky(damped, m))
        {
            normal.CopyTo(damped);
            for (int i = 0; i < m; i++) damped[i * m + i] *= 1.0 + 1e-10;
            if (!SmallLinearAlgebra.Cholesky(damped, m)) return null;
        }
        SmallLinearAlgebra.CholeskyInverse(damped, m, covariance);
        return new LmSolution(ParameterBox.Unpack(x, x[4]), chi2, covariance);
    }

    /// <summary>Largest χ² decrease of an accepted step that counts as converged (statistically irrelevant).</summary>
    internal const double ConvergedChi2Decrease = 1e-3;

    /// <summary>JᵀWJ and JᵀW(y − g) at x; returns χ².</summary>
    private static double BuildNormalEquations(BinSeries data, ReadOnlySpan<double> x, Span<double> normal, Span<double> gradient, bool withoutOscillation)
    {
        const int m = ParameterBox.Count;
        normal.Clear();
        gradient.Clear();
        Span<double> d = stackalloc double[m];
        var p = ParameterBox.Unpack(x, x[4]);
        double chi2 = 0;
        var oscillation = data.Oscillation(p.OmegaRadPerS);
        for (int i = 0; i < data.Count; i++)
        {
            double g = data.EvaluateWithGradient(i, p, oscillation, d);
            double w = data.Weights[i], r = data.G2[i] - g;
            chi2 += w * r * r;
            for (int a = 0; a < m; a++)
            {
                double wda = w * d[a];
                gradient[a] += wda * r;
                for (int b = 0; b <= a; b++) normal[a * m + b] += wda * d[b];
            }
        }
        for (int a = 0; a < m; a++)
            for (int b = 0; b < a; b++) normal[b * m + a] = normal[a * m + b];
        if (withoutOscillation) SmallLinearAlgebra.HoldParameter(normal, gradient, m, 4);   // ω stays 0
        return chi2;
    }
}
