namespace CloudXpcs.Science.Absorption;

/// <summary>The absorbance at one position of one scan, averaged over the raster points there.</summary>
public sealed record PositionAbsorbance(double PositionMm, double TimeMin, Absorbance Absorbance, int PointCount);

/// <summary>Turns a scan's raster points into one absorbance per position, rejecting unusable points.</summary>
public static class PositionAbsorbanceAverager
{
    public static IReadOnlyList<PositionAbsorbance> Average(XamScan scan, double positionToleranceMm, List<RejectedXamPoint> rejected)
    {
        var usable = new List<(XamPoint Point, Absorbance Absorbance)>();
        foreach (var point in scan.Points)
        {
            if (!double.IsFinite(point.PositionMm) || !double.IsFinite(point.TimeMin))
            {
                rejected.Add(new RejectedXamPoint(scan.Name, point, $"non-finite position or time (position_mm = {point.PositionMm}, time_min = {point.TimeMin})"));
                continue;
            }
            var absorbance = Absorbance.FromCounts(point.I0, point.It, out string? reason);
            if (absorbance is null)
            {
                rejected.Add(new RejectedXamPoint(scan.Name, point, reason!));
                continue;
            }
            usable.Add((point, absorbance.Value));
        }

        usable.Sort((a, b) => a.Point.PositionMm.CompareTo(b.Point.PositionMm));
        var result = new List<PositionAbsorbance>();
        int start = 0;
        while (start < usable.Count)
        {
            int end = start + 1;
            while (end < usable.Count && usable[end].Point.PositionMm - usable[start].Point.PositionMm <= positionToleranceMm) end++;
            var group = usable.GetRange(start, end - start);
            result.Add(new PositionAbsorbance(
                group.Average(g => g.Point.PositionMm),
                group.Average(g => g.Point.TimeMin),
                Absorbance.WeightedMean(group.Select(g => g.Absorbance)),
                group.Count));
            start = end;
        }
        return result;
    }
}
