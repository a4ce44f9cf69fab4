namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The joint fit of Eq. 1 to the g2 of all usable bins with one shared speed: ω_b = v·q_b·|cos χ_b| and per-bin
/// β, h, τ0, γ (4B + 1 parameters). The Jacobian has arrowhead structure (each bin's 4 parameters touch only its
/// own points, v touches all), so each Levenberg–Marquardt step is solved by eliminating the per-bin 4×4 blocks
/// (Schur complement on v): cost linear in the number of bins. Two standard errors of the speed come out:
/// <list type="bullet">
/// <item>model-based: sqrt([(JᵀWJ)⁻¹]_vv · χ²/(N − 4B − 1)); it carries the correlations between v and every bin's
/// parameters but trusts g2_err and takes the delays of a bin as independent;</item>
/// <item>bin-robust and bin-scaled: from the scores of v of the bins as independent clusters (see <see cref="Solution"/>).</item>
/// </list>
/// </summary>
internal static class SharedSpeedFitter
{
    private const int P = 4; // per-bin parameters (β, h, ln τ0, γ)

    /// <param name="SpeedErrAPerS">Model-based error (covariance from g2_err, scaled by sqrt(reduced χ²)).</param>
    /// <param name="BinRobustSpeedErrAPerS">
    /// Sandwich error with the bins as clusters: Var v = Σ_b s_b² / (S²(1 − h_b)). s_b = Σ_i w_i r_i ẽ_i is bin b's
    /// share of the score of v, ẽ_i = ∂g_i/∂v − y_bᵀ∂g_i/∂p_b the v direction with the bin's own 4 parameters
    /// eliminated (y_b = A_b⁻¹c_b), S = Σ_b S_b the Schur complement, S_b = Σ_i w_i ẽ_i², h_b = S_b/S the bin's
    /// leverage on v. −s_b/(S(1 − h_b)) is the linearised change of v when bin b is left out, so this is the
    /// delete-one-bin jackknife in HC2 form (unbiased when all bins share one noise scale). Bins are disjoint pixel
    /// sets, hence independent; within a bin it allows any noise, so it holds what g2_err leaves out: the
    /// correlation of neighbouring multi-tau delays (they share frames) and the finite number of speckles per bin.
    /// Infinite with a single bin.
    /// </param>
    /// <param name="BinScaledSpeedErrAPerS">
    /// The model-based variance 1/S scaled by φ = mean_b z_b², z_b = s_b/sqrt(S_b(1 − h_b)): each bin's score in units
    /// of its standard deviation under g2_err (E z_b² = 1 when g2_err is the whole noise). The same clusters, but one
    /// common inflation factor estimated with every bin counting once (the joint-fit analogue of a Birge ratio), so
    /// it stays stable when a few bins carry most of the information on v.
    /// </param>
    internal sealed record Solution(double SpeedAPerS, double SpeedErrAPerS, double BinRobustSpeedErrAPerS, double BinScaledSpeedErrAPerS, double Chi2, int DegreesOfFreedom)
    {
        /// <summary>φ = mean_b z_b²: the bins' variance of the score of v over the one g2_err predicts (NaN with fewer than 2 informative bins).</summary>
        public double ScoreInflation { get; init; } = double.NaN;
        public double ReducedChi2 => Chi2 / DegreesOfFreedom;
    }

    /// <param name="data">Usable bins.</param>
    /// <param name="projectedQInvA">q·|cos χ| of each bin.</param>
    /// <param name="starts">Per-bin starting parameters (ω ignored).</param>
    /// <param name="boxes">Per-bin bounds.</param>
    public static Solution? Fit(IReadOnlyList<BinSeries> data, double[] projectedQInvA, IReadOnlyList<HeterodyneParameters> starts,
        IReadOnlyList<ParameterBox> boxes, double startSpeedAPerS, int maxIterations)
    {
        int nb = data.Count;
        int points = data.Sum(d => d.Count);
        int dof = points - P * nb - 1;
        if (nb == 0 || dof < 1) return null;
        double speedMax = double.PositiveInfinity;
        for (int b = 0; b < nb; b++) speedMax = Math.Min(speedMax, boxes[b].OmegaMax / projectedQInvA[b]);

        var x = new double[nb * P];
        var trial = new double[nb * P];
        var state = new NormalEquations(nb);
        var work = new NormalEquations(nb);
        Span<double> full = stackalloc double[ParameterBox.Count];
        for (int b = 0; b < nb; b++)
        {
            ParameterBox.Pack(starts[b], full);
            for (int i = 0; i < P; i++) x[b * P + i] = boxes[b].Clamp(i, full[i]);
        }
        double v = Math.Clamp(startSpeedAPerS, 0.0, speedMax);
        double chi2 = state.Build(data, projectedQInvA, x, v);
        if (!double.IsFinite(chi2)) return null;

        double lambda = 1e-3;
        var blockFactor = new double[P * P];
        var y = new double[nb * P];
        var z = new double[nb * P];
        for (int iter = 0; iter < maxIterations; iter++)
        {
            bool accepted = false;
            while (lambda < 1e12)
            {
                if (!state.Solve(lambda, blockFactor, y, z, out double dv, x, boxes)) { lambda *= 10; continue; }
                for (int b = 0; b < nb; b++)
                    for (int i = 0; i < P; i++)
                        trial[b * P + i] = boxes[b].Clamp(i, x[b * P + i] + z[b * P + i] - y[b * P + i] * dv);
                double trialV = Math.Clamp(v + dv, 0.0, speedMax);
                double trialChi2 = ChiSquare(data, projectedQInvA, trial, trialV);
                if (double.IsFinite(trialChi2) && trialChi2 < chi2)
                {
                    double decrease = chi2 - trialChi2;
                    Array.Copy(trial, x, x.Length);
                    v = trialV;
                    chi2 = state.Build(data, projectedQInvA, x, v);
                    lambda = Math.Max(lambda * 0.3, 1e-12);
                    accepted = true;
                    if (decrease < Math.Max(1e-7 * chi2, HeterodyneBinFitter.ConvergedChi2Decrease)) iter = maxIterations;
                    break;
                }
                lambda *= 10;
            }
            if (!accepted) break;
        }

        // Covariance from the undamped normal equations (a vanishing damping if a block is numerically singular).
        if (!(state.Solve(0.0, blockFactor, y, z, out _, x, boxes) || state.Solve(1e-10, blockFactor, y, z, out _, x, boxes)) || !(state.Schur > 0)) return null;
        double speedErr = Math.Sqrt(chi2 / dof / state.Schur);
        var score = new double[nb];
        var information = new double[nb];
        state.BinScores(data, projectedQInvA, x, v, y, score, information);
        double robustVariance = 0, inflation = 0;
        int informative = 0;
        for (int b = 0; b < nb; b++)
        {
            if (!(information[b] > 0)) continue;   // a bin with no handle on v (ω held at a bound) has no score either
            double shift = score[b] / state.Schur, leverage = information[b] / state.Schur;
            robustVariance += leverage < 1.0 ? shift * shift / (1.0 - leverage) : double.PositiveInfinity;
            inflation += leverage < 1.0 ? score[b] * score[b] / (information[b] * (1.0 - leverage)) : double.PositiveInfinity;
            informative++;
        }
        double scaledErr = informative > 1 ? Math.Sqrt(inflation / informative / state.Schur) : double.PositiveInfinity;
        return new Solution(v, speedErr, Math.Sqrt(robustVariance), scaledErr, chi2, dof) { ScoreInflation = informative > 1 ? inflation / informative : double.NaN };
    }

    private static double ChiSquare(IReadOnlyList<BinSeries> data, double[] projectedQInvA, double[] x, double v)
    {
        double chi2 = 0;
        for (int b = 0; b < data.Count; b++)
            chi2 += data[b].ChiSquare(new HeterodyneParameters(x[b * P], x[b * P + 1], Math.Exp(x[b * P + 2]), x[b * P + 3], v * projectedQInvA[b]));
        return chi2;
    }

    /// <summary>The arrowhead normal equations: per-bin blocks A_b, couplings c_b, gradients g_b; the v row D, g_v.</summary>
    private sealed class NormalEquations(int bins)
    {
        private readonly double[] _blocks = new double[bins * P * P];
        private readonly double[] _coupling = new double[bins * P];
        private readonly double[] _gradient = new double[bins * P];
        private double _dvv, _gv;

        /// <summary>D − Σ c_bᵀA_b⁻¹c_b of the last <see cref="Solve"/>.</summary>
        public double Schur { get; private set; }

        public double Build(IReadOnlyList<BinSeries> data, double[] projectedQInvA, double[] x, double v)
        {
            Array.Clear(_blocks); Array.Clear(_coupling); Array.Clear(_gradient);
            _dvv = 0; _gv = 0;
            Span<double> d = stackalloc double[ParameterBox.Count];
            double chi2 = 0;
            for (int b = 0; b < data.Count; b++)
            {
                var s = data[b];
                var p = new HeterodyneParameters(x[b * P], x[b * P + 1], Math.Exp(x[b * P + 2]), x[b * P + 3], v * projectedQInvA[b]);
                int bo = b * P * P, co = b * P;
                var oscillation = s.Oscillation(p.OmegaRadPerS);
                for (int i = 0; i < s.Count; i++)
                {
                    double g = s.EvaluateWithGradient(i, p, oscillation, d);
                    double w = s.Weights[i], r = s.G2[i] - g;
                    double dv = d[4] * projectedQInvA[b];
                    chi2 += w * r * r;
                    for (int a = 0; a < P; a++)
                    {
                        double wda = w * d[a];
                        _gradient[co + a] += wda * r;
                        _coupling[co + a] += wda * dv;
                        for (int c = 0; c <= a; c++) _blocks[bo + a * P + c] += wda * d[c];
                    }
                    _dvv += w * dv * dv;
                    _gv += w * dv * r;
                }
                for (int a = 0; a < P; a++)
                    for (int c = 0; c < a; c++) _blocks[bo + c * P + a] = _blocks[bo + a * P + c];
            }
            return chi2;
        }

        /// <summary>
        /// Per bin at (x, v) with y_b = A_b⁻¹c_b from the last <see cref="Solve"/>: the score s_b = Σ w r ẽ and the
        /// information S_b = Σ w ẽ² of v along ẽ = ∂g/∂v − y_b·∂g/∂p_b (Σ_b S_b = <see cref="Schur"/>).
        /// </summary>
        public void BinScores(IReadOnlyList<BinSeries> data, double[] projectedQInvA, double[] x, double v, double[] y, double[] score, double[] information)
        {
            Span<double> d = stackalloc double[ParameterBox.Count];
            for (int b = 0; b < data.Count; b++)
            {
                var s = data[b];
                var p = new HeterodyneParameters(x[b * P], x[b * P + 1], Math.Exp(x[b * P + 2]), x[b * P + 3], v * projectedQInvA[b]);
                var oscillation = s.Oscillation(p.OmegaRadPerS);
                double sb = 0, ib = 0;
                for (int i = 0; i < s.Count; i++)
                {
                    double g = s.EvaluateWithGradient(i, p, oscillation, d);
                    double e = d[4] * projectedQInvA[b];
                    for (int a = 0; a < P; a++) e -= y[b * P + a] * d[a];
                    double w = s.Weights[i];
                    sb += w * (s.G2[i] - g) * e;
                    ib += w * e * e;
                }
                score[b] = sb;
                information[b] = ib;
            }
        }

        /// <summary>Damped step: per bin y_b = A_b⁻¹c_b, z_b = A_b⁻¹g_b; Δv = (g_v − Σc_b·z_b)/S; Δp_b = z_b − y_b·Δv.</summary>
        public bool Solve(double lambda, double[] factor, double[] y, double[] z, out double dv, double[] x, IReadOnlyList<ParameterBox> boxes)
        {
            Span<double> coupling = stackalloc double[P];
            dv = 0;
            double schur = _dvv * (1.0 + lambda), rhs = _gv;
            for (int b = 0; b < bins; b++)
            {
                int bo = b * P * P, co = b * P;
                Array.Copy(_blocks, bo, factor, 0, P * P);
                for (int i = 0; i < P; i++) factor[i * P + i] += lambda * Math.Max(factor[i * P + i], 1e-30);
                var yb = y.AsSpan(co, P);
                var zb = z.AsSpan(co, P);
                _coupling.AsSpan(co, P).CopyTo(coupling);
                _gradient.AsSpan(co, P).CopyTo(zb);
                for (int i = 0; i < P; i++)
                    if (boxes[b].Blocks(i, x[co + i], _gradient[co + i]))
                    {
                        SmallLinearAlgebra.HoldParameter(factor, zb, P, i);
                        coupling[i] = 0.0;
                    }
                if (!SmallLinearAlgebra.Cholesky(factor, P)) return false;   // the caller raises λ
                coupling.CopyTo(yb);
                SmallLinearAlgebra.CholeskySolve(factor, P, yb);
                SmallLinearAlgebra.CholeskySolve(factor, P, zb);
                for (int i = 0; i < P; i++)
                {
                    schur -= coupling[i] * yb[i];
                    rhs -= coupling[i] * zb[i];
                }
            }
            Schur = schur;
            if (!(schur > 0) || !double.IsFinite(schur)) return false;
            dv = rhs / schur;
            return true;
        }
    }
}
