using System.Globalization;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Inference;

/// <summary>
/// Fits t₊⁰ to all measurements of a beamtime jointly (weighted χ² over current, profiles and velocities), other
/// properties from a base set. Three pure steps so the expensive one can fan out: <see cref="Plan"/> (the grid),
/// <see cref="Evaluate"/> (one simulation + misfit per candidate, deterministic), <see cref="Summarize"/> (best fit,
/// profile-likelihood intervals, preferred model); <see cref="Refine"/> adds finer grids over the approximate
/// confidence region, one round at a time, between the evaluations. <see cref="Run"/> does it all on local threads.
/// </summary>
public static class TransferenceInference
{
    public const string ConstantParameter = "tplus0";
    public const string InterceptParameter = "tplus0_at_ref";
    public const string SlopeParameter = "slope_per_M";

    public static IReadOnlyList<TransferenceCandidate> Plan(InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var candidates = options.ConstantGrid.Values().Select(t => new TransferenceCandidate(TransferenceModel.Constant, t, 0, CandidateStage.Grid)).ToList();
        if (options.IncludeLinear)
            foreach (double a in options.InterceptGrid.Values())
                foreach (double b in options.SlopeGrid.Values())
                    candidates.Add(new TransferenceCandidate(TransferenceModel.Linear, a, b, CandidateStage.Grid));
        candidates.AddRange(options.Hypotheses.Select(h => h with { Stage = CandidateStage.Hypothesis }));
        return candidates;
    }

    /// <summary>One continuum simulation of the candidate (the spec's transport set replaced) and its misfit.</summary>
    public static CandidateMisfit Evaluate(MeasuredBeamtime measured, TransportSet baseSet, CellSimulationSpec spec,
                                           TransferenceCandidate candidate, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(candidate);
        TransportSet set;
        try { set = candidate.Apply(baseSet, options.ReferenceConcentrationM); }
        catch (ArgumentException ex) { return new CandidateMisfit(candidate, null, ex.Message); }
        CellSimulationResult result;
        try { result = ContinuumCellSolver.Simulate(spec with { Transport = set }); }
        catch (InvalidOperationException ex) { return new CandidateMisfit(candidate, null, ex.Message); }
        return new CandidateMisfit(candidate, MeasurementResiduals.Evaluate(measured, SimulatedCell.From(result), options.Misfit).Misfit, null);
    }

    /// <summary>
    /// The next refinement: for each model, <see cref="InferenceOptions.RefinePoints"/> values per parameter over the best
    /// fit so far ± 1.6 half-widths of the confidence region estimated from everything evaluated so far. Empty when
    /// refinement is off or <see cref="InferenceOptions.RefineRounds"/> rounds have been made.
    /// </summary>
    public static IReadOnlyList<TransferenceCandidate> Refine(InferenceOptions options, IReadOnlyList<CandidateMisfit> misfits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(misfits);
        var refined = new List<TransferenceCandidate>();
        int round = misfits.Where(m => m.Candidate.Stage == CandidateStage.Refine).Select(m => m.Candidate.Round).DefaultIfEmpty(0).Max() + 1;
        if (options.RefinePoints == 0 || round > options.RefineRounds) return refined;
        var constant = Fitted(misfits, TransferenceModel.Constant);
        if (constant.Count >= 3)
        {
            var (lo, hi) = RefinementRange(constant, 1, c => c.Tplus0AtRef, _ => 0, options, options.ConstantGrid.Step);
            refined.AddRange(Spread(lo, hi, options.RefinePoints).Select(t =>
                new TransferenceCandidate(TransferenceModel.Constant, t, 0, CandidateStage.Refine) { Round = round }));
        }
        var linear = Fitted(misfits, TransferenceModel.Linear);
        if (options.IncludeLinear && linear.Count >= 9) refined.AddRange(RefineLinear(options, linear, round));
        return refined;
    }

    /// <summary>
    /// Rows that follow the valley of χ²(t₀, b): a local quadratic through the lowest points gives the best fit, the
    /// profile half-widths and the conditional best b(t₀) and t₀(b); rows at fixed t₀ sample b around b(t₀) (the profile
    /// of t₀) and rows at fixed b sample t₀ around t₀(b) (the profile of b). Falls back to a box over both ranges when
    /// the quadratic is not convex.
    /// </summary>
    private static IEnumerable<TransferenceCandidate> RefineLinear(InferenceOptions options, List<CandidateMisfit> linear, int round)
    {
        double stepA = options.InterceptGrid.Step, stepB = options.SlopeGrid.Step;
        var best = linear.MinBy(m => m.Misfit!.Chi2)!;
        double reduced = best.Misfit!.Points > 2 ? best.Misfit.Chi2 / (best.Misfit.Points - 2) : 1;
        double target = options.DeltaChi2 * Math.Max(1, reduced);
        int n = options.RefinePoints;
        if (QuadraticSurface.Fit(linear, stepA, stepB) is not { } q)
        {
            var (aLo, aHi) = RefinementRange(linear, 2, c => c.Tplus0AtRef, c => c.SlopePerM, options, stepA, ProfileAxis.Intercept);
            var (bLo, bHi) = RefinementRange(linear, 2, c => c.SlopePerM, c => c.Tplus0AtRef, options, stepB, ProfileAxis.Slope);
            foreach (double a in Spread(aLo, aHi, n))
                foreach (double b in Spread(bLo, bHi, n))
                    yield return new TransferenceCandidate(TransferenceModel.Linear, a, b, CandidateStage.Refine) { Round = round };
            yield break;
        }
        double halfA = Math.Clamp(Math.Sqrt(2 * target * q.InverseAA), stepA / 50, 4 * stepA);
        double halfB = Math.Clamp(Math.Sqrt(2 * target * q.InverseBB), stepB / 50, 4 * stepB);
        double acrossB = Math.Clamp(Math.Sqrt(2 * target / q.Hbb), stepB / 50, 4 * stepB);
        double acrossA = Math.Clamp(Math.Sqrt(2 * target / q.Haa), stepA / 50, 4 * stepA);
        foreach (double a in Spread(q.A - 1.5 * halfA, q.A + 1.5 * halfA, n))
        {
            double bStar = q.B - q.Hab / q.Hbb * (a - q.A);
            foreach (double b in Spread(bStar - 2 * acrossB, bStar + 2 * acrossB, n))
                yield return new TransferenceCandidate(TransferenceModel.Linear, a, b, CandidateStage.Refine) { Round = round, Axis = ProfileAxis.Intercept };
        }
        foreach (double b in Spread(q.B - 1.5 * halfB, q.B + 1.5 * halfB, n))
        {
            double aStar = q.A - q.Hab / q.Haa * (b - q.B);
            foreach (double a in Spread(aStar - 2 * acrossA, aStar + 2 * acrossA, n))
                yield return new TransferenceCandidate(TransferenceModel.Linear, a, b, CandidateStage.Refine) { Round = round, Axis = ProfileAxis.Slope };
        }
    }

    public static InferenceResult Summarize(InferenceOptions options, IReadOnlyList<CandidateMisfit> misfits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(misfits);
        var models = new List<ModelFit>();
        if (Fit(options, misfits, TransferenceModel.Constant) is { } constant) models.Add(constant);
        if (options.IncludeLinear && Fit(options, misfits, TransferenceModel.Linear) is { } linear) models.Add(linear);
        var (preferred, reason) = Prefer(models, options);
        var hypotheses = misfits.Where(m => m.Candidate.Stage == CandidateStage.Hypothesis).Select(m =>
        {
            var model = models.FirstOrDefault(f => f.Model == m.Candidate.Model);
            double? delta = m.Misfit is { } b && model is not null ? Math.Max(0, (b.Chi2 - model.Misfit) / model.Chi2Scale) : null;
            double? p = delta is double d ? 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(model!.Parameters.Count, d) : null;
            return new HypothesisResult(m.Candidate, m.Misfit?.Chi2, delta, p, m.Failure);
        }).ToList();
        return new InferenceResult(options.ReferenceConcentrationM, models, preferred, reason, hypotheses, misfits.Count);
    }

    /// <summary>Plan, evaluate, refine, evaluate, summarise on up to <paramref name="threads"/> local threads.</summary>
    public static InferenceResult Run(MeasuredBeamtime measured, TransportSet baseSet, InferenceOptions options, int threads = 0,
                                      IProgress<int>? evaluated = null)
    {
        var spec = ComparisonSimulation.SpecFor(measured, baseSet, options.CellCount);
        var all = EvaluateAll(measured, baseSet, spec, Plan(options), options, threads, evaluated, 0).ToList();
        for (var next = Refine(options, all); next.Count > 0; next = Refine(options, all))
            all.AddRange(EvaluateAll(measured, baseSet, spec, next, options, threads, evaluated, all.Count));
        return Summarize(options, all);
    }

    /// <summary>How many simulations <see cref="Run"/> makes at most (for progress bars).</summary>
    public static int MaxSimulations(InferenceOptions options) =>
        Plan(options).Count + options.RefineRounds * (options.RefinePoints + (options.IncludeLinear ? 2 * options.RefinePoints * options.RefinePoints : 0));

    private static CandidateMisfit[] EvaluateAll(MeasuredBeamtime measured, TransportSet baseSet, CellSimulationSpec spec,
                                                 IReadOnlyList<TransferenceCandidate> candidates, InferenceOptions options, int threads,
                                                 IProgress<int>? evaluated, int offset)
    {
        var results = new CandidateMisfit[candidates.Count];
        int done = offset;
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, k =>
        {
            results[k] = Evaluate(measured, baseSet, spec, candidates[k], options);
            evaluated?.Report(Interlocked.Increment(ref done));
        });
        return results;
    }

    /// <summary>
    /// The feasible grid and refinement results of one model; a constant t₀ is also the linear model's (t₀, b = 0), so the
    /// linear model sees those too (its best fit is then never worse than the constant one).
    /// </summary>
    private static List<CandidateMisfit> Fitted(IReadOnlyList<CandidateMisfit> misfits, TransferenceModel model) =>
        misfits.Where(m => m.Feasible && m.Candidate.Stage != CandidateStage.Hypothesis
                           && (m.Candidate.Model == model || model == TransferenceModel.Linear))
               .Select(m => m.Candidate.Model == model ? m : m with { Candidate = m.Candidate with { Model = model, Axis = ProfileAxis.None } })
               .ToList();

    private static ModelFit? Fit(InferenceOptions options, IReadOnlyList<CandidateMisfit> misfits, TransferenceModel model)
    {
        var all = misfits.Where(m => m.Candidate.Model == model && m.Candidate.Stage != CandidateStage.Hypothesis).ToList();
        if (all.Count == 0) return null;
        var usable = Fitted(misfits, model);
        var notes = new List<string>();
        int failed = all.Count(m => !m.Feasible);
        if (failed > 0) notes.Add($"{failed} of {all.Count} candidates had no solution (left out): e.g. {all.First(m => !m.Feasible).Failure}");
        if (usable.Count == 0) return null;
        var best = usable.MinBy(m => m.Misfit!.Chi2)!;
        int parameters = model == TransferenceModel.Constant ? 1 : 2;
        int n = best.Misfit!.Points;
        double reduced = n > parameters ? best.Misfit.Chi2 / (n - parameters) : double.NaN;
        double scale = double.IsFinite(reduced) ? Math.Max(1, reduced) : 1;
        double threshold = options.DeltaChi2 * scale;
        if (scale > 1) notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"reduced chi2 of the best fit is {reduced:0.###} > 1: the delta-chi2 threshold {options.DeltaChi2:0.##} is scaled by it to {threshold:0.##} (intervals widened by {Math.Sqrt(scale):0.##}x)"));

        List<ProfileSample> main, slope = [];
        var estimates = new List<ParameterEstimate>();
        if (model == TransferenceModel.Constant)
        {
            main = LayeredProfile(usable, c => c.Tplus0AtRef, _ => 0);
            estimates.Add(Estimate(ConstantParameter, best.Candidate.Tplus0AtRef, main, best.Misfit.Chi2 + threshold));
        }
        else
        {
            main = LayeredProfile(usable, c => c.Tplus0AtRef, c => c.SlopePerM, ProfileAxis.Intercept);
            slope = LayeredProfile(usable, c => c.SlopePerM, c => c.Tplus0AtRef, ProfileAxis.Slope);
            double minimum = Math.Min(best.Misfit.Chi2, Math.Min(main.Min(p => p.Misfit), slope.Min(p => p.Misfit)));
            estimates.Add(Estimate(InterceptParameter, best.Candidate.Tplus0AtRef, main, minimum + threshold));
            estimates.Add(Estimate(SlopeParameter, best.Candidate.SlopePerM, slope, minimum + threshold));
        }
        foreach (var e in estimates.Where(e => e.CiLowOpen || e.CiHighOpen))
            notes.Add($"the 95% interval of {e.Name} reaches the edge of the evaluated range: widen the grid");
        return new ModelFit(model, estimates, best.Misfit.Chi2, n, best.Misfit, reduced, scale, threshold, main, slope,
                            all.Count, failed, notes);
    }

    /// <summary>
    /// Profile over <paramref name="along"/>, minimised over <paramref name="across"/>, from the grid and the refinement
    /// rows that serve this profile. Each row's minimum is an upper bound of the true profile at its value (a row may miss
    /// the valley), so for two parameters the profile is the lower convex hull of the row minima: badly placed rows drop
    /// out, and where the true profile is not convex the hull lies below it, which widens the interval (conservative).
    /// </summary>
    internal static List<ProfileSample> LayeredProfile(IReadOnlyList<CandidateMisfit> points, Func<TransferenceCandidate, double> along,
                                                       Func<TransferenceCandidate, double> across, ProfileAxis axis = ProfileAxis.None)
    {
        var rows = Profile(points.Where(m => m.Candidate.Axis == ProfileAxis.None || m.Candidate.Axis == axis).ToList(), along, across);
        return axis == ProfileAxis.None ? rows : LowerConvexHull(rows);
    }

    internal static List<ProfileSample> LowerConvexHull(List<ProfileSample> sorted)
    {
        var hull = new List<ProfileSample>();
        foreach (var p in sorted)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
            hull.Add(p);
        }
        return hull;
    }

    private static double Cross(ProfileSample o, ProfileSample a, ProfileSample b) =>
        (a.Value - o.Value) * (b.Misfit - o.Misfit) - (a.Misfit - o.Misfit) * (b.Value - o.Value);

    /// <summary>
    /// For each distinct value of <paramref name="along"/>, the smallest evaluated misfit over <paramref name="across"/>
    /// (no interpolation: on kinked surfaces a parabola through three points can dip far below the truth).
    /// </summary>
    internal static List<ProfileSample> Profile(IReadOnlyList<CandidateMisfit> points, Func<TransferenceCandidate, double> along,
                                                Func<TransferenceCandidate, double> across) =>
        points.GroupBy(m => Math.Round(along(m.Candidate), 9)).OrderBy(g => g.Key).Select(g =>
        {
            var row = g.GroupBy(m => Math.Round(across(m.Candidate), 9)).Select(r => (X: r.Key, Y: r.Min(m => m.Misfit!.Chi2)))
                       .OrderBy(p => p.X).ToArray();
            double y = row.Min(p => p.Y);
            return new ProfileSample(g.Key, y);
        }).ToList();

    private static (double X, double Y)? ParabolaVertex((double X, double Y) a, (double X, double Y) b, (double X, double Y) c)
    {
        double d1 = (b.Y - a.Y) / (b.X - a.X), d2 = (c.Y - b.Y) / (c.X - b.X), curvature = (d2 - d1) / (c.X - a.X);
        if (!(curvature > 0)) return null;
        double x = 0.5 * (a.X + b.X) - d1 / (2 * curvature);
        if (x < a.X || x > c.X) return null;
        return (x, b.Y + (x - b.X) * (d1 + curvature * (x - a.X)));
    }

    /// <summary>The interval where the profile stays below <paramref name="level"/>, walking out from the best value; linear between samples.</summary>
    private static ParameterEstimate Estimate(string name, double best, List<ProfileSample> profile, double level)
    {
        int k = profile.IndexOf(profile.MinBy(p => p.Misfit));
        double Crossing(int step, out bool open)
        {
            int i = k;
            while (i + step >= 0 && i + step < profile.Count && profile[i + step].Misfit <= level) i += step;
            open = i + step < 0 || i + step >= profile.Count;
            if (open) return profile[i].Value;
            var (inside, outside) = (profile[i], profile[i + step]);
            double s = (level - inside.Misfit) / (outside.Misfit - inside.Misfit);
            return inside.Value + s * (outside.Value - inside.Value);
        }
        double lo = Crossing(-1, out bool loOpen), hi = Crossing(+1, out bool hiOpen);
        return new ParameterEstimate(name, best, Math.Min(lo, best), Math.Max(hi, best), loOpen, hiOpen);
    }

    private static (double Lo, double Hi) RefinementRange(List<CandidateMisfit> points, int parameters, Func<TransferenceCandidate, double> along,
                                                          Func<TransferenceCandidate, double> across, InferenceOptions options, double step,
                                                          ProfileAxis axis = ProfileAxis.None)
    {
        var best = points.MinBy(m => m.Misfit!.Chi2)!.Misfit!;
        double reduced = best.Points > parameters ? best.Chi2 / (best.Points - parameters) : 1;
        var profile = LayeredProfile(points, along, across, axis);
        double level = Math.Min(best.Chi2, profile.Min(p => p.Misfit)) + options.DeltaChi2 * Math.Max(1, reduced);
        int k = profile.IndexOf(profile.MinBy(p => p.Misfit));
        double centre = profile[k].Value;
        if (k > 0 && k < profile.Count - 1 && ParabolaVertex((profile[k - 1].Value, profile[k - 1].Misfit), (profile[k].Value, profile[k].Misfit),
                                                             (profile[k + 1].Value, profile[k + 1].Misfit)) is { } vertex)
            centre = vertex.X;
        var interval = Estimate("", profile[k].Value, profile, level);
        double half = Math.Max(interval.CiHigh - centre, centre - interval.CiLow);
        if (interval.CiLowOpen || interval.CiHighOpen) half = Math.Max(half, step);
        half = Math.Clamp(half, step / 50, 4 * step);
        return (centre - 1.6 * half, centre + 1.6 * half);
    }

    private static IEnumerable<double> Spread(double lo, double hi, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Round(lo + (hi - lo) * i / (count - 1), 9));

    private static (string Preferred, string Reason) Prefer(List<ModelFit> models, InferenceOptions options)
    {
        var constant = models.FirstOrDefault(m => m.Model == TransferenceModel.Constant);
        var linear = models.FirstOrDefault(m => m.Model == TransferenceModel.Linear);
        if (constant is null && linear is null) return ("none", "no candidate had a solution");
        if (linear is null) return ("constant", "only the constant model was fitted");
        if (constant is null) return ("linear", "the constant model had no solution");
        double delta = (constant.Misfit - linear.Misfit) / linear.Chi2Scale;
        string numbers = string.Create(CultureInfo.InvariantCulture,
            $"chi2 constant {constant.Misfit:0.#}, linear {linear.Misfit:0.#} (n = {linear.DataPoints}); likelihood-ratio statistic (chi2 difference / {linear.Chi2Scale:0.##}) = {delta:0.##} against {options.DeltaChi2:0.##} (95%, one extra parameter)");
        return delta > options.DeltaChi2
            ? ("linear", "the concentration dependence is significant: " + numbers)
            : ("constant", "the slope does not improve the fit significantly: " + numbers);
    }
}
