namespace CloudXpcs.Science.Absorption;

/// <summary>Per-scan summary of a conversion.</summary>
/// <param name="RepeatedPointCount">Raster points at a position measured already in the scan (within position_tolerance_mm), averaged into it.</param>
public sealed record XamScanSummary(string Name, double TimeMin, int PositionCount, int RejectedPointCount, double MeanConcentrationM, int RepeatedPointCount = 0);

/// <summary>
/// Concentration profiles of the later scans (sorted by time, then position; the reference scan is uniform c̄ by
/// definition and not repeated), the rejected raster points of all scans, and a summary per converted scan.
/// </summary>
public sealed record XamConversionResult(
    IReadOnlyList<ConcentrationPoint> Profiles,
    IReadOnlyList<RejectedXamPoint> Rejected,
    IReadOnlyList<XamScanSummary> Scans);
