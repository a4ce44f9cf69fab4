using System.Globalization;

namespace CloudXpcs.Science.Comparison;

public sealed record ComparisonOptions
{
    public double VelocityWindowStartMin { get; init; } = 200;
    public double VelocityWindowEndMin { get; init; } = 400;
    /// <summary>Positions whose mean velocity ratio lies within this many standard deviations of the mean are "inside".</summary>
    public double OutlierSigmas { get; init; } = 1.5;
    public MisfitOptions Misfit { get; init; } = new();

    public void Validate()
    {
        if (!(VelocityWindowEndMin > VelocityWindowStartMin)) throw new ArgumentException($"velocity window must have end > start, got {VelocityWindowStartMin}-{VelocityWindowEndMin} min");
        if (!(OutlierSigmas > 0)) throw new ArgumentException($"outlier band must be > 0 standard deviations, got {OutlierSigmas}");
        Misfit.Validate();
    }
}

/// <summary>Predicted/measured current at each measured time the simulation covers.</summary>
public sealed record CurrentComparison(double[] TimeMin, double[] RatioPredictedToMeasured);

/// <summary>
/// One measured profile against the prediction at the same positions. The gradient centre is the |dc/dx|-weighted mean
/// position of a least-squares cubic through the profile, over the measured span (NaN with fewer than 4 points); the
/// prediction at the measured positions goes through the same fit, so the two centres are directly comparable.
/// </summary>
public sealed record ProfileComparison(double TimeMin, double RmseM, double MaxAbsDevM, double MeasuredGradientCentreMm,
                                       double PredictedGradientCentreMm, int Points);

/// <summary>Measured/predicted EO velocity at one position: mean and sample standard deviation over the window's points.</summary>
public sealed record PositionVelocityRatio(double PositionMm, double RatioMean, double RatioStd, int Points);

/// <summary>
/// Velocity ratios over the window: the mean and standard deviation across positions of the per-position means, the
/// positions within ±k·σ of that mean, and the mean over those positions alone. NaN when no position had data.
/// </summary>
public sealed record VelocityComparison(IReadOnlyList<PositionVelocityRatio> Positions, double RatioMean, double RatioStd,
                                        IReadOnlyList<double> PositionsWithinBandMm, double RatioMeanWithinBand);

public sealed record SetComparison(string Set, CurrentComparison Current, IReadOnlyList<ProfileComparison> Profiles,
                                   VelocityComparison Velocities, MisfitBreakdown Misfit)
{
    /// <summary>The thermodynamic factor the simulation used; null when unknown.</summary>
    public string? ThermodynamicFactor { get; init; }
    /// <summary>The simulation's warnings (e.g. properties clamped outside their tables).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Lower is better: the mean over current, profiles and velocities of each kind's reduced χ².</summary>
    public double Score => Misfit.BalancedScore;
}

public sealed record SetRanking(string Set, int Rank, IReadOnlyList<string> Reasons);

/// <summary>
/// The comparison of one beamtime with several simulations. <see cref="Measured"/> holds the measurements with fit
/// speeds signed by the first simulation's prediction.
/// </summary>
public sealed record BeamtimeComparison(string Beamtime, double VelocityWindowStartMin, double VelocityWindowEndMin,
                                        MeasuredBeamtime Measured, IReadOnlyList<SetComparison> Sets, IReadOnlyList<SetRanking> Ranking);

/// <summary>Compares a measured beamtime with continuum simulations of several transport sets and ranks the sets.</summary>
public static class BeamtimeComparer
{
    public static BeamtimeComparison Compare(MeasuredBeamtime measured, IReadOnlyList<SimulatedCell> simulations, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(simulations);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (simulations.Count == 0) throw new ArgumentException("nothing to compare: no simulations");
        var sets = simulations.Select(s => CompareSet(measured, s, options)).ToList();
        var signed = measured with
        {
            Velocities = measured.Velocities.Select(v => simulations[0].VelocityAt(v.TimeMin, v.PositionMm) is double p
                ? v with { VEoAPerS = MeasurementResiduals.SignedVelocity(v, p) } : v).ToList(),
        };
        return new BeamtimeComparison(measured.Beamtime, options.VelocityWindowStartMin, options.VelocityWindowEndMin, signed, sets, Rank(sets, options));
    }

    public static SetComparison CompareSet(MeasuredBeamtime measured, SimulatedCell simulation, ComparisonOptions options)
    {
        var residuals = MeasurementResiduals.Evaluate(measured, simulation, options.Misfit);
        var current = new CurrentComparison(residuals.Current.Select(r => r.TimeMin).ToArray(),
                                            residuals.Current.Select(r => r.Predicted / r.Measured).ToArray());
        var profiles = residuals.Profiles.GroupBy(r => r.TimeMin).OrderBy(g => g.Key).Select(g =>
        {
            var points = g.OrderBy(r => r.PositionMm).ToArray();
            var x = points.Select(r => r.PositionMm).ToArray();
            return new ProfileComparison(g.Key,
                Math.Sqrt(points.Average(r => (r.Predicted - r.Measured) * (r.Predicted - r.Measured))),
                points.Max(r => Math.Abs(r.Predicted - r.Measured)),
                GradientCentre.OfCubicFit(x, points.Select(r => r.Measured).ToArray()),
                GradientCentre.OfCubicFit(x, points.Select(r => r.Predicted).ToArray()),
                points.Length);
        }).ToList();
        return new SetComparison(simulation.Set, current, profiles, Velocities(residuals.Velocities, options), residuals.Misfit)
        {
            ThermodynamicFactor = simulation.ThermodynamicFactor, Warnings = simulation.Warnings,
        };
    }

    private static VelocityComparison Velocities(IReadOnlyList<Residual> velocities, ComparisonOptions options)
    {
        var positions = velocities
            .Where(r => r.TimeMin >= options.VelocityWindowStartMin && r.TimeMin <= options.VelocityWindowEndMin && r.Predicted != 0)
            .GroupBy(r => r.PositionMm).OrderBy(g => g.Key)
            .Select(g =>
            {
                var ratios = g.Select(r => r.Measured / r.Predicted).ToArray();
                return new PositionVelocityRatio(g.Key, ratios.Average(), SampleStd(ratios), ratios.Length);
            }).ToList();
        if (positions.Count == 0) return new VelocityComparison(positions, double.NaN, double.NaN, [], double.NaN);
        var means = positions.Select(p => p.RatioMean).ToArray();
        double mean = means.Average(), std = SampleStd(means);
        var within = positions.Where(p => Math.Abs(p.RatioMean - mean) <= options.OutlierSigmas * std + 1e-12).ToList();
        return new VelocityComparison(positions, mean, std, within.Select(p => p.PositionMm).ToList(),
                                      within.Count > 0 ? within.Average(p => p.RatioMean) : double.NaN);
    }

    private static double SampleStd(double[] values)
    {
        if (values.Length < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static List<SetRanking> Rank(List<SetComparison> sets, ComparisonOptions options)
    {
        var ordered = sets.OrderBy(s => double.IsNaN(s.Score) ? double.PositiveInfinity : s.Score).ThenBy(s => s.Set, StringComparer.Ordinal).ToList();
        var best = ordered[0];
        return ordered.Select((s, k) => new SetRanking(s.Set, k + 1, Reasons(s, k, best, sets, options))).ToList();
    }

    private static List<string> Reasons(SetComparison s, int index, SetComparison best, List<SetComparison> all, ComparisonOptions options)
    {
        var m = s.Misfit;
        var reasons = new List<string>
        {
            index == 0
                ? F($"lowest score {s.Score:G4} (mean reduced chi2 over the kinds of measurement)")
                : F($"score {s.Score:G4}, {s.Score / best.Score:0.0}x that of {best.Set} ({best.Score:G4})"),
        };
        if (m.CurrentPoints > 0)
        {
            var r = s.Current.RatioPredictedToMeasured;
            reasons.Add(F($"current: reduced chi2 {m.CurrentChi2 / m.CurrentPoints:G4}{Best(all, x => x.Misfit.CurrentPoints > 0 ? x.Misfit.CurrentChi2 / x.Misfit.CurrentPoints : double.NaN, s)}; predicted/measured {r[0]:0.00} at {s.Current.TimeMin[0]:0} min, {r[^1]:0.00} at {s.Current.TimeMin[^1]:0} min"));
        }
        if (m.ProfilePoints > 0)
        {
            double rmse = s.Profiles.Average(p => p.RmseM);
            var centres = s.Profiles.Where(p => double.IsFinite(p.MeasuredGradientCentreMm) && double.IsFinite(p.PredictedGradientCentreMm)).ToList();
            string centre = centres.Count == 0 ? "" : F($"; gradient centre predicted {centres.Average(p => p.PredictedGradientCentreMm):0.00} mm vs measured {centres.Average(p => p.MeasuredGradientCentreMm):0.00} mm (mean over times)");
            reasons.Add(F($"profiles: reduced chi2 {m.ProfileChi2 / m.ProfilePoints:G4}{Best(all, x => x.Misfit.ProfilePoints > 0 ? x.Misfit.ProfileChi2 / x.Misfit.ProfilePoints : double.NaN, s)}; mean RMSE {rmse:0.000} M over {s.Profiles.Count} times{centre}"));
        }
        if (m.VelocityPoints > 0)
        {
            var v = s.Velocities;
            string window = double.IsNaN(v.RatioMean) ? F($"no velocities in {options.VelocityWindowStartMin:0}-{options.VelocityWindowEndMin:0} min")
                : F($"measured/predicted {v.RatioMean:0.00} ± {v.RatioStd:0.00} over {v.Positions.Count} positions in {options.VelocityWindowStartMin:0}-{options.VelocityWindowEndMin:0} min ({v.PositionsWithinBandMm.Count} within ±{options.OutlierSigmas:0.#} sigma, mean {v.RatioMeanWithinBand:0.00})");
            reasons.Add(F($"velocities: reduced chi2 {m.VelocityChi2 / m.VelocityPoints:G4}{Best(all, x => x.Misfit.VelocityPoints > 0 ? x.Misfit.VelocityChi2 / x.Misfit.VelocityPoints : double.NaN, s)}; {window}"));
        }
        return reasons;
    }

    private static string Best(List<SetComparison> all, Func<SetComparison, double> metric, SetComparison s) =>
        all.Count > 1 && all.Where(x => double.IsFinite(metric(x))).MinBy(metric) == s ? " (best of the sets)" : "";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Where the salt gradient of a profile is centred.</summary>
public static class GradientCentre
{
    private const int Samples = 400;

    /// <summary>∫x|p′(x)|dx / ∫|p′(x)|dx over [min x, max x] for the least-squares cubic p through (x, c); NaN below 4 points.</summary>
    public static double OfCubicFit(double[] positionsMm, double[] concentration)
    {
        if (positionsMm.Length < 4) return double.NaN;
        double lo = positionsMm.Min(), hi = positionsMm.Max();
        if (!(hi > lo)) return double.NaN;
        // Centred and scaled abscissa keeps the normal equations well conditioned.
        double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
        var design = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(positionsMm.Length, 4, (i, j) => Math.Pow((positionsMm[i] - mid) / half, j));
        var a = design.QR().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(concentration));
        double weighted = 0, total = 0;
        for (int k = 0; k < Samples; k++)
        {
            double u = -1 + (k + 0.5) * 2.0 / Samples;
            double slope = Math.Abs(a[1] + 2 * a[2] * u + 3 * a[3] * u * u);
            weighted += slope * (mid + half * u);
            total += slope;
        }
        return total > 0 ? weighted / total : double.NaN;
    }
}
