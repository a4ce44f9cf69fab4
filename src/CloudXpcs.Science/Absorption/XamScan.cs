namespace CloudXpcs.Science.Absorption;

/// <summary>One raster scan (one xam/{scan}.csv): its name and its points in file order.</summary>
public sealed record XamScan(string Name, IReadOnlyList<XamPoint> Points)
{
    /// <summary>Mean time of the scan's points (raster points of one scan are taken over a short time).</summary>
    public double MeanTimeMin => Points.Count == 0 ? double.NaN : Points.Average(p => p.TimeMin);
}
