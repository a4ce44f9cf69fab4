namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Fits <see cref="RelaxationFit"/> (stretched-exponential relaxation) to one g2 column by Levenberg–Marquardt on
/// (baseline, β, ln τ0, γ), started from several τ0 across the measured delays; deterministic. This is what a sample
/// that does not flow is characterised by when no oscillation (speed) is resolvable.
/// </summary>
public static class RelaxationFitter
{
    public const double GammaMin = 0.2, GammaMax = 2.5;
    /// <summary>Largest contrast allowed: the Siegert relation limits β to 1 for fully coherent light; the margin admits noise.</summary>
    public const double ContrastMax = 1.5;
    /// <summary>Largest reduced χ² at which the model is taken to describe the data.</summary>
    public const double MaxReducedChi2 = 20.0;
    private const int Parameters = 4;

    /// <summary>Fits every bin column of an n_tau × n_bins matrix; bins without data get an unfitted entry.</summary>
    public static IReadOnlyList<RelaxationFit> FitColumns(double[] delaysS, double[] g2, double[] g2Err, double[] qInvA, double[] chiDeg)
    {
        int nTau = delaysS.Length, nBins = qInvA.Length;
        if (g2.Length != nTau * nBins || g2Err.Length != g2.Length) throw new ArgumentException($"g2 and g2Err must be {nTau} x {nBins}");
        var fits = new RelaxationFit[nBins];
        Parallel.For(0, nBins, b =>
        {
            var tau = new List<double>(); var y = new List<double>(); var sigma = new List<double>();
            for (int t = 0; t < nTau; t++)
            {
                double v = g2[t * nBins + b], e = g2Err[t * nBins + b];
                // boost_corr's averaged files hold exact zeros where a delay had no data.
                if (double.IsFinite(v) && v > 0 && double.IsFinite(e) && e > 0 && delaysS[t] > 0) { tau.Add(delaysS[t]); y.Add(v); sigma.Add(e); }
            }
            fits[b] = Fit(b, qInvA[b], chiDeg[b], tau.ToArray(), y.ToArray(), sigma.ToArray());
        });
        return fits;
    }

    public static RelaxationFit Fit(int bin, double qInvA, double chiDeg, double[] tauS, double[] g2, double[] sigma)
    {
        var empty = new RelaxationFit { Bin = bin, QInvA = qInvA, ChiDeg = chiDeg, DelayCount = tauS.Length, Resolved = false };
        if (tauS.Length < Parameters + 2) return empty with { Reason = $"{tauS.Length} usable delays, {Parameters + 2} needed" };

        int tail = Math.Max(2, tauS.Length / 10);
        double baseline0 = g2[^tail..].Average();
        double beta0 = Math.Clamp(g2.Take(Math.Min(3, g2.Length)).Average() - baseline0, 1e-4, ContrastMax);
        double lnMin = Math.Log(tauS[0]), lnMax = Math.Log(tauS[^1]);
        double[]? best = null;
        double bestChi2 = double.PositiveInfinity;
        const int starts = 12;
        for (int s = 0; s < starts; s++)
        {
            double[] x = [baseline0, beta0, lnMin + (lnMax - lnMin) * (s + 0.5) / starts, 1.0];
            double chi2 = Minimize(x, tauS, g2, sigma);
            if (chi2 < bestChi2) { bestChi2 = chi2; best = x; }
        }
        int dof = tauS.Length - Parameters;
        double reduced = bestChi2 / dof;
        var covariance = Covariance(best!, tauS, sigma);
        double scale = Math.Max(1.0, reduced);
        double Err(int i) => covariance is null ? double.NaN : Math.Sqrt(covariance[i * Parameters + i] * scale);
        double tau0 = Math.Exp(best![2]);
        bool inRange = tau0 >= tauS[0] && tau0 <= tauS[^1];
        bool contrast = best[1] > 0 && (covariance is null || best[1] > Err(1));
        bool atBound = best[3] <= GammaMin * 1.0001 || best[3] >= GammaMax * 0.9999 || best[1] >= ContrastMax * 0.9999;
        string? reason = !inRange ? $"tau0 = {tau0:G3} s lies outside the measured delays {tauS[0]:G3}–{tauS[^1]:G3} s"
            : !contrast ? "no contrast above its error"
            : covariance is null ? "singular covariance"
            : reduced > MaxReducedChi2 ? $"the model does not describe the data (reduced chi2 {reduced:G3} > {MaxReducedChi2:G3})"
            : atBound ? "stretching or contrast at the bound of its range" : null;
        return empty with
        {
            Resolved = reason is null,
            Reason = reason,
            Baseline = best[0], BaselineErr = Err(0),
            Contrast = best[1], ContrastErr = Err(1),
            Tau0S = tau0, Tau0ErrS = tau0 * Err(2),
            Gamma = best[3], GammaErr = Err(3),
            ReducedChi2 = reduced,
        };
    }

    public static double Model(ReadOnlySpan<double> x, double tauS) =>
        x[0] + x[1] * Math.Exp(-2.0 * Math.Exp(x[3] * (Math.Log(tauS) - x[2])));

    /// <summary>Residual/σ and its Jacobian row at one delay.</summary>
    private static double Row(ReadOnlySpan<double> x, double tau, double y, double sigma, Span<double> jacobian)
    {
        double u = Math.Exp(x[3] * (Math.Log(tau) - x[2]));
        double e = Math.Exp(-2.0 * u);
        jacobian[0] = 1.0 / sigma;
        jacobian[1] = e / sigma;
        jacobian[2] = 2.0 * x[1] * x[3] * u * e / sigma;
        jacobian[3] = -2.0 * x[1] * u * e * (Math.Log(tau) - x[2]) / sigma;
        return (y - (x[0] + x[1] * e)) / sigma;
    }

    private static double Chi2(ReadOnlySpan<double> x, double[] tau, double[] y, double[] sigma)
    {
        double sum = 0;
        for (int i = 0; i < tau.Length; i++) { double r = (y[i] - Model(x, tau[i])) / sigma[i]; sum += r * r; }
        return sum;
    }

    private static void Clamp(Span<double> x, double lnTauMin, double lnTauMax)
    {
        x[1] = Math.Clamp(x[1], 1e-6, ContrastMax);
        x[2] = Math.Clamp(x[2], lnTauMin, lnTauMax);
        x[3] = Math.Clamp(x[3], GammaMin, GammaMax);
    }

    /// <summary>Levenberg–Marquardt in place; returns χ².</summary>
    private static double Minimize(double[] x, double[] tau, double[] y, double[] sigma)
    {
        double lnTauMin = Math.Log(tau[0]) - Math.Log(100.0), lnTauMax = Math.Log(tau[^1]) + Math.Log(100.0);
        Clamp(x, lnTauMin, lnTauMax);
        double chi2 = Chi2(x, tau, y, sigma);
        double lambda = 1e-3;
        Span<double> jac = stackalloc double[Parameters];
        Span<double> normal = stackalloc double[Parameters * Parameters];
        Span<double> rhs = stackalloc double[Parameters];
        Span<double> trial = stackalloc double[Parameters];
        Span<double> damped = stackalloc double[Parameters * Parameters];
        for (int iteration = 0; iteration < 200; iteration++)
        {
            normal.Clear(); rhs.Clear();
            for (int i = 0; i < tau.Length; i++)
            {
                double r = Row(x, tau[i], y[i], sigma[i], jac);
                for (int a = 0; a < Parameters; a++)
                {
                    rhs[a] += jac[a] * r;
                    for (int c = 0; c < Parameters; c++) normal[a * Parameters + c] += jac[a] * jac[c];
                }
            }
            bool improved = false;
            while (lambda < 1e12)
            {
                normal.CopyTo(damped);
                for (int a = 0; a < Parameters; a++) damped[a * Parameters + a] *= 1.0 + lambda;
                rhs.CopyTo(trial);
                if (!SmallLinearAlgebra.Cholesky(damped, Parameters)) { lambda *= 10; continue; }
                SmallLinearAlgebra.CholeskySolve(damped, Parameters, trial);
                for (int a = 0; a < Parameters; a++) trial[a] += x[a];
                Clamp(trial, lnTauMin, lnTauMax);
                double trialChi2 = Chi2(trial, tau, y, sigma);
                if (trialChi2 < chi2)
                {
                    double gain = chi2 - trialChi2;
                    trial.CopyTo(x);
                    chi2 = trialChi2;
                    lambda = Math.Max(lambda / 10, 1e-12);
                    improved = gain > 1e-10 * Math.Max(chi2, 1e-300);
                    break;
                }
                lambda *= 10;
            }
            if (!improved) break;
        }
        return chi2;
    }

    /// <summary>(JᵀWJ)⁻¹ at x, or null when singular.</summary>
    private static double[]? Covariance(double[] x, double[] tau, double[] sigma)
    {
        var normal = new double[Parameters * Parameters];
        Span<double> jac = stackalloc double[Parameters];
        for (int i = 0; i < tau.Length; i++)
        {
            Row(x, tau[i], 0, sigma[i], jac);
            for (int a = 0; a < Parameters; a++)
                for (int c = 0; c < Parameters; c++) normal[a * Parameters + c] += jac[a] * jac[c];
        }
        if (!SmallLinearAlgebra.Cholesky(normal, Parameters)) return null;
        var inverse = new double[Parameters * Parameters];
        SmallLinearAlgebra.CholeskyInverse(normal, Parameters, inverse);
        return inverse;
    }
}
