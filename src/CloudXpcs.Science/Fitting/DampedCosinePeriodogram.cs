namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Starting values for one bin. For fixed ω, τ0 and γ = 1, Eq. 1 is linear in a0 = 1 + β(1−h)², a1 = h²β and
/// a2 = 2h(1−h)β (basis 1, E², F·cos(ωτ)·E). Scanning a log-spaced ω grid and a few τ0 values and solving the
/// weighted 3×3 least-squares problem at each node gives a generalised Lomb–Scargle periodogram with a floating
/// baseline and a decaying envelope that works on the log-spaced multi-tau delays. Its deepest local minima in ω
/// (with a2 &gt; 0) are the multi-start candidates; β = a0 − 1 + a1 + a2 and h = (a1 + a2/2)/β follow from the a's.
/// </summary>
internal static class DampedCosinePeriodogram
{
    private static readonly double[] Tau0Multipliers = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0];

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static List<HeterodyneParameters> Candidates(BinSeries data, double omegaMaxRadPerS, FitOptions options)
    {
        int n = data.Count;
        double tLast = data.LongestDelayS;
        double omegaMin = 0.25 * Math.PI / tLast;
        int nOmega = Math.Max(2, (int)Math.Ceiling(Math.Log(omegaMaxRadPerS / omegaMin) / Math.Log(1.0 + options.PeriodogramRelativeStep)) + 1);
        int nTau = Tau0Multipliers.Length;

        // ω-independent sums per τ0.
        var envelope = new double[nTau * n];
        var sW = new double[nTau]; var sE2 = new double[nTau]; var sE4 = new double[nTau];
        var sY = new double[nTau]; var sYE2 = new double[nTau];
        double sWAll = 0, sWY = 0;
        for (int i = 0; i < n; i++) { sWAll += data.Weights[i]; sWY += data.Weights[i] * data.G2[i]; }
        for (int k = 0; k < nTau; k++)
        {
            double tau0 = Tau0Multipliers[k] * tLast;
            for (int i = 0; i < n; i++)
            {
                double e = Math.Exp(-data.DelaysS[i] / tau0);
                envelope[k * n + i] = e;
                double w = data.Weights[i], e2 = e * e;
                sE2[k] += w * e2; sE4[k] += w * e2 * e2; sYE2[k] += w * data.G2[i] * e2;
            }
            sW[k] = sWAll; sY[k] = sWY;
        }

        var bestChi2 = new double[nOmega];
        var best = new HeterodyneParameters[nOmega];
        var wc = new double[n];
        var cosF = new double[n];
        Span<double> a = stackalloc double[3];
        var oscillation = data.Oscillation(omegaMin);
        for (int j = 0; j < nOmega; j++)
        {
            double omega = omegaMin * Math.Pow(1.0 + options.PeriodogramRelativeStep, j);
            oscillation.Retune(omega);
            for (int i = 0; i < n; i++)
            {
                var terms = oscillation.Terms(data.AveragingFrames[i], data.DelaysS[i], out _);   // the factor on E; the lag on E′ is left to the fit
                (double sin, double cos) = Math.SinCos(omega * data.DelaysS[i]);
                cosF[i] = cos * terms.CosOnE + sin * terms.SinOnE;
                wc[i] = data.Weights[i] * cosF[i];
            }
            bestChi2[j] = double.PositiveInfinity;
            for (int k = 0; k < nTau; k++)
            {
                double sC = 0, sCE2 = 0, sCC = 0, sYC = 0;
                int off = k * n;
                for (int i = 0; i < n; i++)
                {
                    double e = envelope[off + i];
                    double ce = wc[i] * e;                       // w·c·E
                    sC += ce; sCE2 += ce * e * e; sCC += ce * cosF[i] * e; sYC += ce * data.G2[i];
                }
                // Normal equations for (a0, a1, a2); χ² up to a constant = −bᵀa.
                if (!SmallLinearAlgebra.Solve3(sW[k], sE2[k], sC, sE4[k], sCE2, sCC, sY[k], sYE2[k], sYC, a)) continue;
                if (!(a[2] > 0)) continue;
                double chi2 = -(sY[k] * a[0] + sYE2[k] * a[1] + sYC * a[2]);
                if (chi2 < bestChi2[j])
                {
                    double beta = a[0] - 1.0 + a[1] + a[2];
                    if (!(beta > 0)) continue;
                    bestChi2[j] = chi2;
                    double h = Math.Clamp((Math.Max(a[1], 0.0) + 0.5 * a[2]) / beta, 0.05, 0.95);
                    best[j] = new HeterodyneParameters(beta, h, Tau0Multipliers[k] * tLast, 1.0, omega);
                }
            }
        }

        // Deepest local minima in ω.
        var minima = new List<int>();
        for (int j = 0; j < nOmega; j++)
        {
            if (double.IsPositiveInfinity(bestChi2[j])) continue;
            bool left = j == 0 || bestChi2[j] <= bestChi2[j - 1];
            bool right = j == nOmega - 1 || bestChi2[j] <= bestChi2[j + 1];
            if (left && right) minima.Add(j);
        }
        minima.Sort((x, y) => bestChi2[x].CompareTo(bestChi2[y]));
        return minima.Take(options.OmegaCandidates).Select(j => best[j]).ToList();
    }
}
