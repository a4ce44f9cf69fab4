namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The series speed from all bins (Eq. 2, ω = q·v·|cos χ|):
/// <list type="number">
/// <item>robust start: the weighted median of ω_b/(q_b|cos χ_b|) over the ok bins, then bins whose ω lies more than
/// <see cref="FitOptions.OutlierSigma"/> (robustly scaled) standard errors off the line are left out (aliased fits);</item>
/// <item>master curve: weighted fit of ω against q|cos χ| through the origin over the remaining bins (diagnostic, start value);</item>
/// <item>reported speed: one joint fit of the g2 of all remaining bins with a single shared speed
/// (<see cref="SharedSpeedFitter"/>); its standard error is that fit's model-based error scaled by the scatter of the
/// bins' standardised scores on v (bins are independent pixel sets), never below the model-based one.</item>
/// </list>
/// </summary>
internal static class VelocityEstimator
{
    public const string JointMethod = "joint heterodyne fit of g2 over all usable q/chi bins with one shared speed (bin b oscillates at v*q|cos chi| averaged over its pixels, the spread of q|cos chi| inside the bin included); error: joint covariance scaled by the mean square of the bins' standardised scores on the speed (bins as independent clusters, leverage-corrected), not below the joint covariance scaled by reduced chi2";
    public const string MasterCurveMethod = "weighted fit of per-bin omega against q*|cos chi| through the origin (joint g2 fit did not converge); error scaled by sqrt(reduced chi2)";

    public static (VelocityResult Velocity, IReadOnlyList<PerQVelocity> PerQ, BinFit[] Bins) Estimate(
        BinFit[] bins, IReadOnlyList<BinSeries?> data, IReadOnlyList<ParameterBox?> boxes, FitOptions options)
    {
        // Lower limit of a resolvable speed: MinPeriodsResolvable periods over the longest delay at the highest q|cos χ|.
        double maxPhasePerSpeed = 0;
        for (int b = 0; b < bins.Length; b++)
            if (data[b] is { } s) maxPhasePerSpeed = Math.Max(maxPhasePerSpeed, bins[b].ProjectedQInvA * s.LongestDelayS);
        double? minResolvable = maxPhasePerSpeed > 0 ? options.MinPeriodsResolvable * 2.0 * Math.PI / maxPhasePerSpeed : null;

        var usable = Enumerable.Range(0, bins.Length).Where(b => bins[b].Ok && bins[b].ProjectedQInvA > 0).ToList();
        var inliers = RejectOutliers(bins, usable, options);
        foreach (int b in inliers) bins[b] = bins[b] with { UsedForSpeed = true };
        var perQ = PerQ(bins, inliers);

        VelocityResult Unresolved(string reason, string method) => new()
        {
            Resolvable = false, Method = method, Reason = reason, MinResolvableSpeedAPerS = minResolvable, UsedBinCount = inliers.Count,
        };
        if (inliers.Count < options.MinUsableBins)
            return (Unresolved($"{inliers.Count} bin(s) with a measurable oscillation, {options.MinUsableBins} needed", JointMethod), perQ, bins);

        var master = ProportionalFit.Fit(
            inliers.Select(b => bins[b].ProjectedQInvA).ToArray(),
            inliers.Select(b => bins[b].Parameters!.Value.OmegaRadPerS).ToArray(),
            inliers.Select(b => bins[b].StandardErrors!.Value.OmegaRadPerS).ToArray())!.Value;
        var omegaVsQ = ProportionalFit.Fit(
            perQ.Where(p => p.OmegaAmplitudeRadPerS is not null).Select(p => p.QInvA).ToArray(),
            perQ.Where(p => p.OmegaAmplitudeRadPerS is not null).Select(p => p.OmegaAmplitudeRadPerS!.Value).ToArray(),
            perQ.Where(p => p.OmegaAmplitudeRadPerS is not null).Select(p => p.OmegaAmplitudeErrRadPerS!.Value).ToArray());

        var joint = SharedSpeedFitter.Fit(
            inliers.Select(b => data[b]!).ToList(),
            inliers.Select(b => bins[b].ProjectedQInvA).ToArray(),
            inliers.Select(b => bins[b].Parameters!.Value).ToList(),
            inliers.Select(b => boxes[b]!.Value).ToList(),
            master.Slope, options.MaxIterations);

        double speed, speedErr;
        string method;
        if (joint is not null && double.IsFinite(joint.SpeedErrAPerS))
        {
            // The model-based error trusts g2_err and takes the delays of a bin as independent; multi-tau delays share
            // frames and g2_err leaves out the speckle-sampling error, so it is 1.5-3x too small on correlated series.
            // Bins are disjoint pixel sets, hence independent: the scatter of each bin's score on v, in units of its
            // g2_err standard deviation, measures the missing noise through the same model (Fejér factor, bin spread)
            // the speed comes from. One common factor, with every bin counting once, rather than the per-bin sandwich
            // (BinRobustSpeedErrAPerS): at low speeds a few bins carry v and the sandwich, estimated from those few,
            // came out too small (speed-coverage bench, 9x18 bins, 40 seeds: within 3 SE 93 % vs 100 %). The noise g2_err
            // describes is always there, so the model-based error bounds it from below.
            speed = joint.SpeedAPerS; speedErr = double.IsFinite(joint.BinScaledSpeedErrAPerS) ? Math.Max(joint.SpeedErrAPerS, joint.BinScaledSpeedErrAPerS) : joint.SpeedErrAPerS; method = JointMethod;
        }
        else
        {
            speed = master.Slope; speedErr = master.SlopeErr; method = MasterCurveMethod;
        }

        var resolvability = TestAgainstNoFlow(bins, data, boxes, usable, inliers, speed, options);
        var result = new VelocityResult
        {
            Resolvability = resolvability,
            Resolvable = true,
            SpeedAPerS = speed,
            SpeedErrAPerS = speedErr,
            MinResolvableSpeedAPerS = minResolvable,
            Method = method,
            UsedBinCount = inliers.Count,
            JointReducedChi2 = joint?.ReducedChi2 ?? double.NaN,
            JointModelSpeedErrAPerS = joint?.SpeedErrAPerS,
            JointBinRobustSpeedErrAPerS = joint?.BinRobustSpeedErrAPerS,
            JointBinScaledSpeedErrAPerS = joint?.BinScaledSpeedErrAPerS,
            MasterCurveSpeedAPerS = master.Slope,
            MasterCurveSpeedErrAPerS = master.SlopeErr,
            OmegaVsQSpeedAPerS = omegaVsQ?.Slope,
            OmegaVsQSpeedErrAPerS = omegaVsQ?.SlopeErr,
        };
        if (minResolvable is { } vMin && speed < vMin)
            return (result with
            {
                Resolvable = false, SpeedAPerS = null, SpeedErrAPerS = null,
                Reason = $"fewer than {options.MinPeriodsResolvable:G3} oscillation periods over the longest delay at the highest q|cos chi|",
            }, perQ, bins);
        if (resolvability is not { } test || !(test.LikelihoodRatio >= options.MinFlowLikelihoodRatio) || test.ConsistentBins < options.MinUsableBins)
            return (result with
            {
                Resolvable = false, SpeedAPerS = null, SpeedErrAPerS = null,
                Reason = resolvability is not { } t ? "the test against the no-flow model could not be run"
                    : t.LikelihoodRatio < options.MinFlowLikelihoodRatio
                        ? FormattableString.Invariant($"no flow: the shared-speed model beats pure relaxation over {t.TestedBins} bins by a likelihood ratio of {t.LikelihoodRatio:G3} (scaled by {t.Inflation:G3}), {options.MinFlowLikelihoodRatio:G3} needed")
                        : FormattableString.Invariant($"no flow: only {t.ConsistentBins} of {t.OscillatingBins} oscillating bins agree with omega = v q|cos chi|, {options.MinUsableBins} needed"),
            }, perQ, bins);
        if (!(speed > 3.0 * speedErr))
            return (result with
            {
                Resolvable = false, SpeedAPerS = null, SpeedErrAPerS = null,
                Reason = "speed not significantly above zero (less than 3 standard errors)",
            }, perQ, bins);
        return (result, perQ, bins);
    }

    /// <summary>
    /// See <see cref="FlowResolvability"/>: over every fitted bin; when that joint fit fails (a bin the shared speed
    /// cannot move), over the bins the speed came from.
    /// </summary>
    private static FlowResolvability? TestAgainstNoFlow(BinFit[] bins, IReadOnlyList<BinSeries?> data, IReadOnlyList<ParameterBox?> boxes,
        List<int> oscillating, List<int> inliers, double speed, FitOptions options)
    {
        var fitted = Enumerable.Range(0, bins.Length)
            .Where(b => data[b] is not null && boxes[b] is not null && bins[b].Parameters is not null && bins[b].ProjectedQInvA > 0).ToList();
        int consistent = oscillating.Count(b =>
            Math.Abs(bins[b].Parameters!.Value.OmegaRadPerS - speed * bins[b].ProjectedQInvA) <= options.OutlierSigma * bins[b].StandardErrors!.Value.OmegaRadPerS);
        foreach (var tested in new[] { fitted, inliers })
        {
            if (tested.Count < options.MinUsableBins) continue;
            if (LikelihoodRatio(bins, data, boxes, tested, speed, options) is { } lr)
                return new FlowResolvability(lr.Ratio, lr.Inflation, lr.Bins, oscillating.Count, consistent);
        }
        return null;
    }

    private static (double Ratio, double Inflation, int Bins)? LikelihoodRatio(BinFit[] bins, IReadOnlyList<BinSeries?> data,
        IReadOnlyList<ParameterBox?> boxes, List<int> candidates, double speed, FitOptions options)
    {
        var tested = new List<int>();
        var relaxation = new List<HeterodyneParameters>();
        double nullChi2 = 0;
        foreach (int b in candidates)
        {
            // Pure relaxation (ω = 0) in each bin; a bin where even that fails is left out of both models.
            if (HeterodyneBinFitter.Refine(data[b]!, bins[b].Parameters!.Value, boxes[b]!.Value, options.MaxIterations, withoutOscillation: true) is not { } f
                || !double.IsFinite(f.Chi2)) continue;
            tested.Add(b);
            relaxation.Add(f.Parameters);
            nullChi2 += f.Chi2;
        }
        if (tested.Count < options.MinUsableBins) return null;
        var series = tested.Select(b => data[b]!).ToList();
        var bounds = tested.Select(b => boxes[b]!.Value).ToList();
        var projected = tested.Select(b => bins[b].ProjectedQInvA).ToArray();
        // Two starts (the bins' own fits, and pure relaxation with the series speed), so that the alternative is not
        // left stuck above the null it contains (v = 0).
        var joint = new[]
        {
            SharedSpeedFitter.Fit(series, projected, tested.Select(b => bins[b].Parameters!.Value).ToList(), bounds, speed, options.MaxIterations),
            SharedSpeedFitter.Fit(series, projected, relaxation, bounds, speed, options.MaxIterations),
        }.OfType<SharedSpeedFitter.Solution>().MinBy(s => s.Chi2);
        if (joint is null) return null;
        double inflation = Math.Max(1.0, Math.Max(joint.ReducedChi2, double.IsFinite(joint.ScoreInflation) ? joint.ScoreInflation : 1.0));
        return (Math.Max(0.0, nullChi2 - joint.Chi2) / inflation, inflation, tested.Count);
    }

    /// <summary>Ok bins whose ω agrees with the shared line, starting from the weighted median of ω/(q|cos χ|).</summary>
    private static List<int> RejectOutliers(BinFit[] bins, List<int> usable, FitOptions options)
    {
        if (usable.Count == 0) return usable;
        double Ratio(int b) => bins[b].Parameters!.Value.OmegaRadPerS / bins[b].ProjectedQInvA;
        double Weight(int b) { double x = bins[b].ProjectedQInvA, s = bins[b].StandardErrors!.Value.OmegaRadPerS; return x * x / (s * s); }
        var sorted = usable.OrderBy(Ratio).ToList();
        double total = sorted.Sum(Weight), acc = 0, speed = Ratio(sorted[^1]);
        foreach (int b in sorted)
        {
            acc += Weight(b);
            if (acc >= 0.5 * total) { speed = Ratio(b); break; }
        }

        List<int> inliers = usable;
        for (int pass = 0; pass < 3; pass++)
        {
            var z2 = usable.Select(b =>
            {
                double z = (bins[b].Parameters!.Value.OmegaRadPerS - speed * bins[b].ProjectedQInvA) / bins[b].StandardErrors!.Value.OmegaRadPerS;
                return z * z;
            }).ToArray();
            var sortedZ2 = z2.Order().ToArray();
            double scale = Math.Max(1.0, Math.Sqrt(sortedZ2[sortedZ2.Length / 2] / 0.455)); // median of χ²(1) is 0.455
            double limit = options.OutlierSigma * scale;
            inliers = usable.Where((b, i) => z2[i] <= limit * limit).ToList();
            if (inliers.Count == 0) break;
            var fit = ProportionalFit.Fit(
                inliers.Select(b => bins[b].ProjectedQInvA).ToArray(),
                inliers.Select(b => bins[b].Parameters!.Value.OmegaRadPerS).ToArray(),
                inliers.Select(b => bins[b].StandardErrors!.Value.OmegaRadPerS).ToArray());
            if (fit is null) break;
            speed = fit.Value.Slope;
        }
        foreach (int b in usable.Except(inliers))
            bins[b] = bins[b] with { Reason = "omega off the shared-speed line (left out of the speed)" };
        return inliers;
    }

    private static List<PerQVelocity> PerQ(BinFit[] bins, List<int> used)
    {
        var result = new List<PerQVelocity>();
        foreach (var group in bins.GroupBy(b => b.QInvA).OrderBy(g => g.Key))
        {
            var members = group.Where(b => used.Contains(b.Bin)).ToList();
            var fit = members.Count == 0 ? null : ProportionalFit.Fit(
                members.Select(b => b.ProjectedQInvA / b.QInvA).ToArray(),   // |cos χ| (its bin mean when the width is known)
                members.Select(b => b.Parameters!.Value.OmegaRadPerS).ToArray(),
                members.Select(b => b.StandardErrors!.Value.OmegaRadPerS).ToArray());
            result.Add(fit is { } f
                ? new PerQVelocity(group.Key, members.Count, f.Slope, f.SlopeErr, f.Slope / group.Key, f.SlopeErr / group.Key)
                : new PerQVelocity(group.Key, 0, null, null, null, null));
        }
        return result;
    }
}
