using CloudXpcs.Reporting.Figures;
using CloudXpcs.Data.Results;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Html;

/// <summary>One row of the series table: run.json's status when the run has one, else what the folder holds.</summary>
public sealed record SeriesRow(string Series, double? PositionMm, double? TimeMin, string Status, double? SpeedAPerS, double? SpeedErrAPerS,
    bool? Resolvable, int? UsedBins, string? Note)
{
    /// <summary>The statistical and systematic parts of <see cref="SpeedErrAPerS"/> when fit.json gives them.</summary>
    public double? SpeedErrStatAPerS { get; init; }
    public double? SpeedErrSysAPerS { get; init; }

    public string SpeedText => SpeedAPerS is double v
        ? Grids.Number(v, "0.00") + (SpeedErrAPerS is double e ? " ± " + Grids.Number(e, "0.00") : "")
          + (SpeedErrStatAPerS is double st && SpeedErrSysAPerS is double sy ? $" (stat {Grids.Number(st, "0.00")}, sys {Grids.Number(sy, "0.00")})" : "")
        : "";

    public static IReadOnlyList<SeriesRow> From(RunInputs inputs)
    {
        var folders = inputs.Series.ToDictionary(s => s.Series, s => s);
        var statuses = inputs.Run?.Series.ToDictionary(s => s.Series, s => s) ?? [];
        return folders.Keys.Union(statuses.Keys).Order(StringComparer.Ordinal).Select(name =>
        {
            folders.TryGetValue(name, out var folder);
            statuses.TryGetValue(name, out var status);
            var fit = folder?.Fit;
            var velocity = fit?.Velocity;
            string state = status?.Status.Name() ?? (fit is not null ? "analysed" : "correlated (no fit.json)");
            return new SeriesRow(name, fit?.PositionMm, fit?.PolarizationTimeMin, state,
                status?.SpeedAPerS ?? velocity?.SpeedAPerS, status?.SpeedErrAPerS ?? velocity?.SpeedErrAPerS,
                status?.Resolvable ?? velocity?.Resolvable, velocity?.UsedBins, status?.Reason ?? velocity?.Reason)
            {
                SpeedErrStatAPerS = velocity?.SpeedErrStatAPerS, SpeedErrSysAPerS = velocity?.SpeedErrSysAPerS,
            };
        }).OrderBy(r => r.PositionMm ?? double.MaxValue).ThenBy(r => r.TimeMin ?? double.MaxValue).ToList();
    }
}
