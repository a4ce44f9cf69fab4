using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using MathNet.Numerics.LinearAlgebra;

namespace CloudXpcs.Science.Inference;

/// <summary>
/// Gaussian priors (1σ) of the nuisance inputs of <see cref="NuisanceInference"/>: κ and D multiply the base set's curves
/// (priors on their logarithms), R_int is in Ω cm² about the base set's value; T_f, when profiled, is free within
/// [<see cref="ThermoFactorMin"/>, <see cref="ThermoFactorMax"/>] (no prior: it is what the inference is about).
/// </summary>
public sealed record NuisancePriors
{
    /// <summary>Conductivity: reproducibility between PEO-LiTFSI studies at 90 °C (Pesko 2017 series A/B differ by ~10 %).</summary>
    public double LnKappaScaleSigma { get; init; } = 0.10;
    /// <summary>Restricted-diffusion D: scatter of the digitised Pesko values about their smooth curve, ~20 %.</summary>
    public double LnDiffusivityScaleSigma { get; init; } = 0.20;
    /// <summary>R_int: the base set's value ± this (Ω cm²); the study's cell value is not published.</summary>
    public double InterfacialResistanceSigmaOhmCm2 { get; init; } = 7.0;
    public double ThermoFactorMin { get; init; } = 0.5;
    public double ThermoFactorMax { get; init; } = 10.0;
}

/// <summary>How T_f is treated: held at a value, or profiled (fitted with the other nuisances).</summary>
public sealed record ThermoFactorAssumption(string Label, double? FixedValue)
{
    public static ThermoFactorAssumption Fixed(double value) => new(FormattableString.Invariant($"T_f fixed at {value:G3}"), value);
    public static ThermoFactorAssumption Profiled { get; } = new("T_f profiled", null);
}

/// <summary>One fitted parameter: best value, 1σ and the 95 % interval (Laplace: ±1.96σ at the optimum).</summary>
public sealed record NuisanceEstimate(string Name, double Value, double Sigma, double Ci95Low, double Ci95High);

/// <summary>A direction of parameter space and how well the data alone (no priors) determine it.</summary>
public sealed record DeterminedCombination(string Description, double Value, double Sigma, bool Determined);

/// <summary>Effective sample size of one kind of measurement from the lag-1 autocorrelation of its residuals.</summary>
public sealed record EffectiveSampleSize(string Kind, int Points, double Lag1Autocorrelation, double Effective);

/// <summary>The nuisance-parameter fit of one t₊⁰ model under one T_f assumption.</summary>
public sealed record NuisanceFit(string Model, ThermoFactorAssumption Assumption, IReadOnlyList<NuisanceEstimate> Parameters,
    double Chi2, double WeightedChi2, int Points, double EffectivePoints, double Chi2Scale, IReadOnlyList<EffectiveSampleSize> SampleSizes,
    IReadOnlyList<DeterminedCombination> Combinations, int Simulations, IReadOnlyList<string> Notes);

/// <summary>
/// t₊⁰ (constant, or linear in c about the reference concentration) fitted jointly with the uncertain inputs: T_f (fixed
/// or profiled), κ scale, D scale and R_int with Gaussian priors (<see cref="NuisancePriors"/>). Levenberg–Marquardt on the
/// standardised residuals (each measurement's σ as in <see cref="MeasurementResiduals"/>) plus the priors as
/// pseudo-residuals, Jacobian by forward differences (one simulation per parameter). The residuals of the densely
/// digitised curves are correlated: each kind's residuals (current in time order, profiles by time then position,
/// velocities by position then time) get the effective sample size n_eff = n(1 − ρ₁)/(1 + ρ₁) of an AR(1) sequence
/// with their lag-1 autocorrelation ρ₁ at the first optimum, and are down-weighted by √(n_eff/n) in a second fit; the
/// covariance is the inverse Gauss–Newton Hessian scaled by s = max(1, χ²_w/(n_eff − p)). Profiling the nuisances in
/// this Laplace approximation equals marginalising them, so the 95 % intervals are ±1.96σ (they are symmetric and do
/// not follow curvature of the likelihood beyond second order).
/// </summary>
public static class NuisanceInference
{
    public const string Tplus0 = "tplus0_at_ref", Slope = "slope_per_M", ThermoFactor = "thermo_factor", LnKappa = "ln_kappa_scale",
        LnDiffusivity = "ln_D_scale", InterfacialResistance = "R_int_ohm_cm2";

    private sealed record Layout(string[] Names, double[] Steps, int Slope, int Tf, int LnKappa, int LnD, int R);

    public static NuisanceFit Fit(MeasuredBeamtime measured, TransportSet baseSet, CellSimulationSpec spec, MisfitOptions misfit,
        double referenceConcentrationM, bool linear, ThermoFactorAssumption assumption, NuisancePriors? priors = null, int threads = 0,
        double startTplus0 = 0.2)
    {
        priors ??= new NuisancePriors();
        var names = new List<string> { Tplus0 };
        if (linear) names.Add(Slope);
        if (assumption.FixedValue is null) names.Add(ThermoFactor);
        names.AddRange([LnKappa, LnDiffusivity, InterfacialResistance]);
        var n = names.ToArray();
        var layout = new Layout(n, n.Select(StepOf).ToArray(), Array.IndexOf(n, Slope), Array.IndexOf(n, ThermoFactor),
            Array.IndexOf(n, LnKappa), Array.IndexOf(n, LnDiffusivity), Array.IndexOf(n, InterfacialResistance));
        double baseR = baseSet.InterfacialResistanceOhmM2 / TransportSet.OhmM2PerOhmCm2;
        double baseTf = baseSet.ThermodynamicFactor.ValueAt(referenceConcentrationM * TransportSet.MolPerM3PerM);
        var start = new double[n.Length];
        start[0] = startTplus0;
        if (layout.Tf >= 0) start[layout.Tf] = Math.Clamp(baseTf, priors.ThermoFactorMin, priors.ThermoFactorMax);
        start[layout.R] = baseR;
        int simulations = 0;
        var notes = new List<string>();

        // Standardised data residuals of one parameter vector (null: no solution), in block order current, profiles, velocities.
        MeasurementResiduals? Simulate(double[] p)
        {
            Interlocked.Increment(ref simulations);
            TransportSet set;
            try { set = Apply(baseSet, p, layout, assumption, referenceConcentrationM, linear); }
            catch (ArgumentException) { return null; }
            try { return MeasurementResiduals.Evaluate(measured, SimulatedCell.From(ContinuumCellSolver.Simulate(spec with { Transport = set })), misfit); }
            catch (InvalidOperationException) { return null; }
        }

        double[] blockWeights = [1, 1, 1];
        double[]? Vector(double[] p, MeasurementResiduals? r, bool withPriors)
        {
            if (r is null) return null;
            var blocks = Blocks(r);
            var v = new List<double>();
            for (int k = 0; k < 3; k++) v.AddRange(blocks[k].Select(x => blockWeights[k] * (x.Measured - x.Predicted) / x.Sigma));
            if (withPriors)
            {
                v.Add(p[layout.LnKappa] / priors.LnKappaScaleSigma);
                v.Add(p[layout.LnD] / priors.LnDiffusivityScaleSigma);
                v.Add((p[layout.R] - baseR) / priors.InterfacialResistanceSigmaOhmCm2);
            }
            return v.ToArray();
        }

        var (best, bestResiduals) = Minimise(start, Simulate, Vector, layout, priors, threads);
        if (bestResiduals is null) throw new InvalidOperationException($"no solution at the starting point of the nuisance fit ({assumption.Label})");
        var sizes = Blocks(bestResiduals).Select((b, k) => SampleSize(KindNames[k], b)).ToArray();
        blockWeights = sizes.Select(s => s.Points > 0 ? Math.Sqrt(s.Effective / s.Points) : 1).ToArray();
        (best, bestResiduals) = Minimise(best, Simulate, Vector, layout, priors, threads);
        if (bestResiduals is null) throw new InvalidOperationException($"the weighted nuisance fit lost its solution ({assumption.Label})");

        var jacobian = Jacobian(best, Vector(best, bestResiduals, true)!, Simulate, Vector, layout, priors, threads, out var dataOnly);
        var data = Vector(best, bestResiduals, false)!;
        double weightedChi2 = data.Sum(x => x * x);
        double chi2 = bestResiduals.Misfit.Chi2;
        int points = bestResiduals.Misfit.Points;
        double effective = sizes.Sum(s => s.Effective);
        double scale = Math.Max(1, weightedChi2 / Math.Max(1, effective - n.Length));
        if (scale > 1) notes.Add(FormattableString.Invariant($"weighted chi2 {weightedChi2:F1} over {effective:F1} effective points: covariance scaled by {scale:F2}"));
        var hessian = jacobian.TransposeThisAndMultiply(jacobian);
        var covariance = hessian.Inverse() * scale;
        var estimates = n.Select((name, i) =>
        {
            double sigma = Math.Sqrt(Math.Max(0, covariance[i, i]));
            return new NuisanceEstimate(name, best[i], sigma, best[i] - 1.959963984540054 * sigma, best[i] + 1.959963984540054 * sigma);
        }).ToList();
        if (layout.Tf >= 0 && (best[layout.Tf] <= priors.ThermoFactorMin + 1e-9 || best[layout.Tf] >= priors.ThermoFactorMax - 1e-9))
            notes.Add("T_f reached the end of its range: the interval is not reliable");
        var combinations = Combinations(best, covariance, dataOnly, scale, layout, priors);
        return new NuisanceFit(linear ? "linear" : "constant", assumption, estimates, chi2, weightedChi2, points, effective, scale, sizes,
            combinations, simulations, notes);
    }

    private static readonly string[] KindNames = ["current", "profiles", "velocities"];

    private static double StepOf(string name) => name switch
    {
        Tplus0 => 0.005, Slope => 0.01, ThermoFactor => 0.05, LnKappa => 0.01, LnDiffusivity => 0.01, _ => 0.5,
    };

    private static IReadOnlyList<Residual>[] Blocks(MeasurementResiduals r) =>
    [
        r.Current.OrderBy(x => x.TimeMin).ToList(),
        r.Profiles.OrderBy(x => x.TimeMin).ThenBy(x => x.PositionMm).ToList(),
        r.Velocities.OrderBy(x => x.PositionMm).ThenBy(x => x.TimeMin).ToList(),
    ];

    public static EffectiveSampleSize SampleSize(string kind, IReadOnlyList<Residual> block)
    {
        int count = block.Count;
        if (count < 3) return new EffectiveSampleSize(kind, count, 0, count);
        var z = block.Select(x => (x.Measured - x.Predicted) / x.Sigma).ToArray();
        double mean = z.Average(), c0 = 0, c1 = 0;
        for (int i = 0; i < count; i++) c0 += (z[i] - mean) * (z[i] - mean);
        for (int i = 1; i < count; i++) c1 += (z[i] - mean) * (z[i - 1] - mean);
        double rho = c0 > 0 ? Math.Clamp(c1 / c0, 0, 0.999) : 0;
        return new EffectiveSampleSize(kind, count, rho, Math.Max(1, count * (1 - rho) / (1 + rho)));
    }

    private static TransportSet Apply(TransportSet baseSet, double[] p, Layout layout, ThermoFactorAssumption assumption, double cRefM, bool linear)
    {
        var candidate = new TransferenceCandidate(linear ? TransferenceModel.Linear : TransferenceModel.Constant, p[0],
            layout.Slope >= 0 ? p[layout.Slope] : 0, CandidateStage.Grid);
        var withT = candidate.Apply(baseSet, cRefM);
        double tf = assumption.FixedValue ?? p[layout.Tf];
        return new TransportSet(withT.Name, withT.Citation, withT.Caveats, withT.TemperatureK,
            new ScaledCurve(withT.ConductivitySPerM, Math.Exp(p[layout.LnKappa])), new ScaledCurve(withT.DiffusivityM2PerS, Math.Exp(p[layout.LnD])),
            withT.CationTransference, new MonotoneCubicCurve([TransportSet.MolPerM3PerM * cRefM], [tf]),
            withT.SaltPartialMolarVolumeM3PerMol, withT.SolventPartialMolarVolumeM3PerMol, Math.Max(0, p[layout.R]) * TransportSet.OhmM2PerOhmCm2);
    }

    private static double[] Bound(double[] p, Layout layout, NuisancePriors priors)
    {
        var b = (double[])p.Clone();
        b[0] = Math.Min(b[0], 0.99);
        if (layout.Tf >= 0) b[layout.Tf] = Math.Clamp(b[layout.Tf], priors.ThermoFactorMin, priors.ThermoFactorMax);
        b[layout.R] = Math.Max(0, b[layout.R]);
        return b;
    }

    private static (double[], MeasurementResiduals?) Minimise(double[] start, Func<double[], MeasurementResiduals?> simulate,
        Func<double[], MeasurementResiduals?, bool, double[]?> vector, Layout layout, NuisancePriors priors, int threads)
    {
        var p = Bound(start, layout, priors);
        var r = simulate(p);
        var v = vector(p, r, true);
        if (v is null) return (p, null);
        double cost = v.Sum(x => x * x), lambda = 1e-3;
        for (int iteration = 0; iteration < 12; iteration++)
        {
            var j = Jacobian(p, v, simulate, vector, layout, priors, threads, out _);
            var jt = j.Transpose();
            var h = jt * j;
            var g = jt * Vector<double>.Build.DenseOfArray(v);
            bool improved = false;
            for (int attempt = 0; attempt < 6 && !improved; attempt++)
            {
                var damped = h.Clone();
                for (int k = 0; k < h.RowCount; k++) damped[k, k] += lambda * Math.Max(h[k, k], 1e-12);
                var step = damped.Solve(-g);
                var trial = Bound(p.Select((x, k) => x + step[k]).ToArray(), layout, priors);
                var tr = simulate(trial);
                var tv = vector(trial, tr, true);
                double trialCost = tv is null ? double.PositiveInfinity : tv.Sum(x => x * x);
                if (trialCost < cost)
                {
                    double gain = cost - trialCost;
                    (p, r, v, cost) = (trial, tr, tv!, trialCost);
                    lambda = Math.Max(lambda / 10, 1e-7);
                    improved = true;
                    if (gain < 1e-3 * Math.Max(1, cost / Math.Max(1, v.Length))) return (p, r);
                }
                else lambda *= 10;
            }
            if (!improved) break;
        }
        return (p, r);
    }

    /// <summary>Forward-difference Jacobian of the residual vector (priors included); <paramref name="dataOnly"/> without the prior rows.</summary>
    private static Matrix<double> Jacobian(double[] p, double[] v, Func<double[], MeasurementResiduals?> simulate,
        Func<double[], MeasurementResiduals?, bool, double[]?> vector, Layout layout, NuisancePriors priors, int threads, out Matrix<double> dataOnly)
    {
        int m = v.Length, k = p.Length;
        var j = Matrix<double>.Build.Dense(m, k);
        var columns = new double[k][];
        Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, i =>
        {
            foreach (double sign in new[] { 1.0, -1.0 })
            {
                var q = (double[])p.Clone();
                q[i] += sign * layout.Steps[i];
                q = Bound(q, layout, priors);
                double h = q[i] - p[i];
                if (h == 0) continue;
                var qv = vector(q, simulate(q), true);
                if (qv is null || qv.Length != m) continue;
                columns[i] = qv.Select((x, r) => (x - v[r]) / h).ToArray();
                break;
            }
        });
        for (int i = 0; i < k; i++)
            if (columns[i] is { } c) for (int r = 0; r < m; r++) j[r, i] = c[r];
        dataOnly = j.SubMatrix(0, m - 3, 0, k);
        return j;
    }

    /// <summary>
    /// What the data determine. Named combinations with their σ from the fit's covariance (priors included): t₊⁰, and with T_f
    /// profiled ln T_f and ln[T_f(1 − t₊⁰)²] (the combination the Balsara–Newman steady state depends on); each nuisance
    /// with its prior σ beside it (determined by the data when the posterior σ is below half the prior's). Then the
    /// eigen-directions of the data-only Gauss–Newton Hessian in units of each parameter's typical size (t₊⁰ 0.1, slope
    /// 0.1 /M, T_f 1, ln κ 0.1, ln D 0.2, R_int 7 Ω cm²): a direction is determined when its σ is below 0.5 of those units.
    /// </summary>
    private static IReadOnlyList<DeterminedCombination> Combinations(double[] p, Matrix<double> covariance, Matrix<double> dataOnly, double scale,
        Layout layout, NuisancePriors priors)
    {
        var list = new List<DeterminedCombination>();
        double Sigma(Vector<double> gradient) => Math.Sqrt(Math.Max(0, gradient * covariance * gradient));
        Vector<double> Unit(int i, double value = 1) { var g = Vector<double>.Build.Dense(p.Length); g[i] = value; return g; }
        double t = p[0];
        list.Add(new DeterminedCombination("t+0 at the reference concentration", t, Sigma(Unit(0)), Sigma(Unit(0)) < 0.05));
        if (layout.Tf >= 0)
        {
            double tf = p[layout.Tf];
            double sTf = Sigma(Unit(layout.Tf, 1 / tf));
            list.Add(new DeterminedCombination("ln T_f", Math.Log(tf), sTf, sTf < 0.1));
            var gx = Unit(layout.Tf, 1 / tf); gx[0] = -2 / (1 - t);
            list.Add(new DeterminedCombination("ln[T_f (1 - t+0)^2]", Math.Log(tf * (1 - t) * (1 - t)), Sigma(gx), Sigma(gx) < 0.1));
        }
        double sk = Sigma(Unit(layout.LnKappa)), sd = Sigma(Unit(layout.LnD)), sr = Sigma(Unit(layout.R));
        list.Add(new DeterminedCombination(FormattableString.Invariant($"ln kappa scale (prior sigma {priors.LnKappaScaleSigma:G2})"), p[layout.LnKappa], sk, sk < 0.5 * priors.LnKappaScaleSigma));
        list.Add(new DeterminedCombination(FormattableString.Invariant($"ln D scale (prior sigma {priors.LnDiffusivityScaleSigma:G2})"), p[layout.LnD], sd, sd < 0.5 * priors.LnDiffusivityScaleSigma));
        list.Add(new DeterminedCombination(FormattableString.Invariant($"R_int ohm cm2 (prior sigma {priors.InterfacialResistanceSigmaOhmCm2:G2})"), p[layout.R], sr, sr < 0.5 * priors.InterfacialResistanceSigmaOhmCm2));

        var typical = layout.Names.Select(n => n switch { Tplus0 => 0.1, Slope => 0.1, ThermoFactor => 1.0, LnKappa => 0.1, LnDiffusivity => 0.2, _ => 7.0 }).ToArray();
        var d = Matrix<double>.Build.DenseOfDiagonalArray(typical);
        var h = d * dataOnly.TransposeThisAndMultiply(dataOnly) * d;
        var evd = h.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        for (int i = h.RowCount - 1; i >= 0; i--)
        {
            double lambda = Math.Max(evd.EigenValues[i].Real, 0);
            var u = evd.EigenVectors.Column(i);
            string text = string.Join(" ", Enumerable.Range(0, u.Count).Where(k => Math.Abs(u[k]) >= 0.1)
                .Select(k => FormattableString.Invariant($"{u[k]:+0.00;-0.00}*{layout.Names[k]}/{typical[k]:G2}")));
            double sigma = lambda > 0 ? Math.Sqrt(scale / lambda) : double.PositiveInfinity;
            double value = Enumerable.Range(0, u.Count).Sum(k => u[k] * p[k] / typical[k]);
            list.Add(new DeterminedCombination("eigen-direction " + text, value, sigma, sigma < 0.5));
        }
        return list;
    }
}

/// <summary>A property curve multiplied by a constant (κ and D scales of the nuisance inference).</summary>
public sealed class ScaledCurve(PropertyCurve inner, double factor) : PropertyCurve
{
    public override double MinConcentrationMolPerM3 => inner.MinConcentrationMolPerM3;
    public override double MaxConcentrationMolPerM3 => inner.MaxConcentrationMolPerM3;

    public override double Evaluate(double concentrationMolPerM3, out double slopePerMolPerM3)
    {
        double value = inner.Evaluate(concentrationMolPerM3, out slopePerMolPerM3);
        slopePerMolPerM3 *= factor;
        return factor * value;
    }
}
