using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Xam;

/// <summary>
/// Reads xam/{scan}.csv (contract 1.2): header time_min,position_mm,i0,it (extra columns ignored), one raster point per
/// line. Every cell must be a finite number; counts that are zero or negative are kept and rejected later, with a reason,
/// by the conversion. Refused here: it above i0, counts above 1e15, points of one scan more than 30 min apart.
/// </summary>
public static class XamScanCsv
{
    public static readonly IReadOnlyList<string> Columns = ["time_min", "position_mm", "i0", "it"];

    /// <summary>Writes a scan (e.g. a simulated one) atomically in the contract's format.</summary>
    public static void Write(string path, XamScan scan) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in scan.Points)
                writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.PositionMm),
                    CsvNumber.Format(p.I0), CsvNumber.Format(p.It)));
        });

    /// <summary>
    /// Reads one scan. With <paramref name="uniquePositionToleranceMm"/>, two raster points within that distance are refused
    /// naming both lines; without it they are kept for the conversion to average (calibration.json
    /// <c>"average_repeated_positions": true</c>).
    /// </summary>
    public static XamScan Read(string path, double? uniquePositionToleranceMm = null)
    {
        var lines = new List<int>();
        var points = CsvNumber.ReadRows(path, Columns, (cell, line) =>
        {
            lines.Add(line);
            return CheckedPoint(new XamPoint(cell(0), cell(1), cell(2), cell(3)), path, line);
        });
        if (points.Count == 0) throw new DataContractException(path, "no raster points after the header");
        CheckScan(points, path);
        if (uniquePositionToleranceMm is { } tolerance) CheckUniquePositions(points, lines, tolerance, path);
        return new XamScan(Path.GetFileNameWithoutExtension(path), points);
    }

    private static void CheckUniquePositions(IReadOnlyList<XamPoint> points, IReadOnlyList<int> lines, double toleranceMm, string path)
    {
        var byPosition = Enumerable.Range(0, points.Count).OrderBy(i => points[i].PositionMm).ThenBy(i => i).ToList();
        for (int k = 1; k < byPosition.Count; k++)
        {
            int a = byPosition[k - 1], b = byPosition[k];
            if (points[b].PositionMm - points[a].PositionMm > toleranceMm) continue;
            (a, b) = (Math.Min(a, b), Math.Max(a, b));
            throw new DataContractException(path, $"lines {lines[a]} and {lines[b]}: position_mm {points[a].PositionMm:R} and {points[b].PositionMm:R} " +
                $"are one position (within position_tolerance_mm = {toleranceMm:R}); a scan measures each position once " +
                "(set \"average_repeated_positions\": true in xam/calibration.json to average repeated raster points)");
        }
    }

    /// <summary>Counts above this are not photon counts (and their squares overflow a double's useful range in the sums).</summary>
    public const double MaxCounts = 1e15;

    private static XamPoint CheckedPoint(XamPoint p, string path, int line)
    {
        if (Math.Abs(p.I0) > MaxCounts || Math.Abs(p.It) > MaxCounts)
            throw new DataContractException(path, $"line {line}: counts i0 = {p.I0:R}, it = {p.It:R} exceed {MaxCounts:R}; counts must be photon counts");
        if (p.It > p.I0 && p.I0 > 0)
            throw new DataContractException(path, $"line {line}: it ({p.It:R}) exceeds i0 ({p.I0:R}): a transmission above 1 is not physical");
        return p;
    }

    /// <summary>Longest a raster scan may take: points further apart in time are not one concentration profile.</summary>
    public const double MaxScanSpanMin = 30;

    /// <summary>
    /// A scan is one raster at one time: its points must lie within <see cref="MaxScanSpanMin"/>, so two times are never mixed into one profile.
    /// </summary>
    private static void CheckScan(IReadOnlyList<XamPoint> points, string path)
    {
        double first = points.Min(p => p.TimeMin), last = points.Max(p => p.TimeMin);
        if (last - first > MaxScanSpanMin)
            throw new DataContractException(path, $"time_min spans {first:R} to {last:R}; one scan holds one time (points within {MaxScanSpanMin} min)");
    }
}
