namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The joint fit of Eq. 1 to the g2 of all usable bins with one shared speed: ω_b = v·q_b·|cos χ_b| and per-bin
/// β, h, τ0, γ (4B + 1 parameters). The Jacobian has arrowhead structure (each bin's 4 parameters touch only its
/// own points, v touches all), so each Levenberg–Marquardt step is solved by eliminating the per-bin 4×4 blocks
/// (Schur complement on v): cost linear in the number of bins. The speed's standard error is
/// sqrt([(JᵀWJ)⁻¹]_vv · χ²/(N − 4B − 1)), i.e. it carries the correlations between v and every bin's parameters.
/// </summary>
internal static class SharedSpeedFitter
{
    private const int P = 4; // per-bin parameters (β, h, ln τ0, γ)

    internal sealed record Solution(double SpeedAPerS, double SpeedErrAPerS, double Chi2, int DegreesOfFreedom)
    {
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
        return new Solution(v, speedErr, chi2, dof);
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
                var fejer = new FejerCache(p.OmegaRadPerS, s.FrameTimeS);
                for (int i = 0; i < s.Count; i++)
                {
                    double f = s.OscillationFactor(i, p.OmegaRadPerS, ref fejer, out double df);
                    double g = HeterodyneModel.EvaluateWithGradient(p, s.DelaysS[i], f, df, d);
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
