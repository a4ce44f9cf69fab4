namespace CloudXpcs.Science.Comparison;

/// <summary>
/// The salt concentration at one time and position from measured profiles (e.g. the XAM profiles): linear in position
/// within each profile, linear in time between the two profiles that bracket the time. Null when the time is more than
/// <see cref="TimeToleranceMin"/> outside the profiles' times or the position outside a profile's span by more than
/// <see cref="PositionToleranceMm"/> (then no local value is known).
/// </summary>
public static class LocalConcentration
{
    public const double TimeToleranceMin = 30.0;
    public const double PositionToleranceMm = 0.1;

    public static double? At(IReadOnlyList<ProfilePoint> profiles, double timeMin, double positionMm)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var times = profiles.Select(p => p.TimeMin).Distinct().Order().ToArray();
        if (times.Length == 0 || !double.IsFinite(timeMin) || !double.IsFinite(positionMm)) return null;
        if (timeMin < times[0] - TimeToleranceMin || timeMin > times[^1] + TimeToleranceMin) return null;
        int above = Array.FindIndex(times, t => t >= timeMin);
        double t1 = above <= 0 ? times[Math.Max(above, 0)] : times[above - 1];
        double t2 = above < 0 ? times[^1] : times[above];
        if (above < 0) t1 = t2;
        if (InProfile(profiles, t1, positionMm) is not double c1 || InProfile(profiles, t2, positionMm) is not double c2) return null;
        return t2 > t1 ? c1 + (c2 - c1) * (Math.Clamp(timeMin, t1, t2) - t1) / (t2 - t1) : c1;
    }

    private static double? InProfile(IReadOnlyList<ProfilePoint> profiles, double timeMin, double positionMm)
    {
        var points = profiles.Where(p => p.TimeMin == timeMin).OrderBy(p => p.PositionMm).ToArray();
        if (points.Length == 0 || positionMm < points[0].PositionMm - PositionToleranceMm || positionMm > points[^1].PositionMm + PositionToleranceMm)
            return null;
        if (positionMm <= points[0].PositionMm) return points[0].ConcentrationM;
        if (positionMm >= points[^1].PositionMm) return points[^1].ConcentrationM;
        int i = Array.FindIndex(points, p => p.PositionMm >= positionMm);
        var (a, b) = (points[i - 1], points[i]);
        return b.PositionMm > a.PositionMm ? a.ConcentrationM + (b.ConcentrationM - a.ConcentrationM) * (positionMm - a.PositionMm) / (b.PositionMm - a.PositionMm) : b.ConcentrationM;
    }
}
