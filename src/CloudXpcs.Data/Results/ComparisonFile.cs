namespace CloudXpcs.Data.Results;

/// <summary>comparison.json (schema "cloudxpcs.comparison/1"): the parts the report draws and tabulates.</summary>
public sealed record ComparisonFile(
    double[] VelocityWindowMin,
    MeasuredCurrent MeasuredCurrent,
    IReadOnlyList<MeasuredProfilePoint> MeasuredProfiles,
    IReadOnlyList<MeasuredVelocity> MeasuredVelocities,
    IReadOnlyList<SetComparison> Sets,
    IReadOnlyList<SetRank> Ranking)
{
    /// <summary>The report's view of comparison.json (<see cref="Comparison.ComparisonJson"/> owns the file): tolerant of absent optional parts.</summary>
    public static ComparisonFile Read(string path) => JsonFields.Parse(path, Comparison.ComparisonDocument.SchemaId, root =>
    {
        var measured = root.OptionalObject("measured");
        var current = measured?.OptionalObject("current");
        var file = new ComparisonFile(
            root.Numbers("velocity_window_min"),
            new MeasuredCurrent(current?.Numbers("time_min") ?? [], current?.Numbers("current_mA_cm2") ?? []),
            measured?.Objects("profiles").Select(p => new MeasuredProfilePoint(p.Number("time_min"), p.Number("position_mm"),
                p.Number("concentration_M"), p.OptionalNumber("concentration_err_M") ?? 0)).ToList() ?? [],
            measured?.Objects("velocities").Select(v => new MeasuredVelocity(v.Number("time_min"), v.Number("position_mm"),
                v.Number("v_eo_A_per_s"), v.OptionalNumber("v_eo_err_A_per_s") ?? 0, v.OptionalString("source"), v.OptionalString("series"))).ToList() ?? [],
            root.Objects("sets").Select(ReadSet).ToList(),
            root.Objects("ranking").Select(r => new SetRank(r.String("set"), (int)r.Number("rank"), r.Strings("reasons"))).ToList());
        if (file.MeasuredCurrent.TimeMin.Length != file.MeasuredCurrent.CurrentMAPerCm2.Length)
            throw root.Problem("measured.current: time_min and current_mA_cm2 differ in length");
        return file;
    });

    private static SetComparison ReadSet(JsonFields s)
    {
        var current = s.OptionalObject("current");
        var velocities = s.OptionalObject("velocities");
        var comparison = new SetComparison(
            s.String("set"),
            current?.Numbers("time_min") ?? [],
            current?.Numbers("ratio_predicted_to_measured") ?? [],
            s.Objects("profiles").Select(p => new ProfileComparison(p.Number("time_min"), p.OptionalNumber("rmse_M"), p.OptionalNumber("max_abs_dev_M"),
                p.OptionalNumber("measured_gradient_centre_mm"), p.OptionalNumber("predicted_gradient_centre_mm"))).ToList(),
            velocities?.Objects("positions").Select(p => new PositionRatio(p.Number("position_mm"), p.OptionalNumber("ratio_mean"),
                p.OptionalNumber("ratio_std"), (int)(p.OptionalNumber("n") ?? 0))).ToList() ?? [],
            velocities?.OptionalNumber("ratio_mean"), velocities?.OptionalNumber("ratio_std"),
            velocities?.Numbers("positions_within_1_5_sigma") ?? [],
            s.OptionalNumber("score"))
        {
            ThermodynamicFactor = s.OptionalString("thermo_factor"), Warnings = s.Strings("warnings"),
        };
        if (comparison.CurrentTimeMin.Length != comparison.CurrentRatioPredictedToMeasured.Length)
            throw s.Problem($"set {comparison.Set}: current.time_min and current.ratio_predicted_to_measured differ in length");
        return comparison;
    }
}

public sealed record MeasuredCurrent(double[] TimeMin, double[] CurrentMAPerCm2);

public sealed record MeasuredProfilePoint(double TimeMin, double PositionMm, double ConcentrationM, double ConcentrationErrM);

/// <summary>A signed measured solvent velocity (fits give |v|; the comparison signs it by the predicted direction).</summary>
public sealed record MeasuredVelocity(double TimeMin, double PositionMm, double VEoAPerS, double VEoErrAPerS, string? Source, string? Series);

public sealed record SetComparison(
    string Set,
    double[] CurrentTimeMin,
    double[] CurrentRatioPredictedToMeasured,
    IReadOnlyList<ProfileComparison> Profiles,
    IReadOnlyList<PositionRatio> VelocityPositions,
    double? VelocityRatioMean,
    double? VelocityRatioStd,
    double[] PositionsWithin1_5Sigma,
    double? Score)
{
    /// <summary>The thermodynamic factor the set's simulation used; null in files without it.</summary>
    public string? ThermodynamicFactor { get; init; }
    /// <summary>The simulation's warnings (e.g. properties clamped outside their tables).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record ProfileComparison(double TimeMin, double? RmseM, double? MaxAbsDevM, double? MeasuredGradientCentreMm, double? PredictedGradientCentreMm);

public sealed record PositionRatio(double PositionMm, double? RatioMean, double? RatioStd, int N);

public sealed record SetRank(string Set, int Rank, IReadOnlyList<string> Reasons);
