namespace CloudXpcs.Science.Absorption;

/// <summary>
/// Beer–Lambert absorbance A = ln(i0/it) of one raster point, normalised by its own i0 so that drift of the incident
/// flux cancels; its variance from Poisson counting statistics, σ_A² = 1/i0 + 1/it (i0 and it in counts).
/// </summary>
public readonly record struct Absorbance(double Value, double Variance)
{
    /// <summary>The absorbance of a point, or null with the reason why the point cannot be used.</summary>
    public static Absorbance? FromCounts(double i0, double it, out string? rejectionReason)
    {
        if (!double.IsFinite(i0) || !double.IsFinite(it))
        {
            rejectionReason = $"non-finite intensity (i0 = {i0}, it = {it})";
            return null;
        }
        if (!(i0 > 0) || !(it > 0))
        {
            rejectionReason = $"non-positive intensity (i0 = {i0}, it = {it})";
            return null;
        }
        rejectionReason = null;
        return new Absorbance(Math.Log(i0 / it), 1.0 / i0 + 1.0 / it);
    }

    /// <summary>Inverse-variance weighted mean of absorbances measured at one position.</summary>
    public static Absorbance WeightedMean(IEnumerable<Absorbance> values)
    {
        double sumW = 0, sumWA = 0;
        foreach (var a in values)
        {
            double w = 1.0 / a.Variance;
            sumW += w;
            sumWA += w * a.Value;
        }
        if (!(sumW > 0)) throw new ArgumentException("weighted mean of no absorbances");
        return new Absorbance(sumWA / sumW, 1.0 / sumW);
    }
}
