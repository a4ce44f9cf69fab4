namespace CloudXpcs.Science.Absorption;

/// <summary>
/// The reference (t = 0, uniform c̄) absorbance a later point is compared with: position by position (flat field,
/// linear interpolation between reference positions) or the reference scan's inverse-variance weighted mean.
/// </summary>
public sealed class ReferenceAbsorbance
{
    private readonly IReadOnlyList<PositionAbsorbance> _positions;
    private readonly Absorbance? _scanMean;
    private readonly double _toleranceMm;

    private ReferenceAbsorbance(IReadOnlyList<PositionAbsorbance> positions, Absorbance? scanMean, double toleranceMm)
    {
        _positions = positions;
        _scanMean = scanMean;
        _toleranceMm = toleranceMm;
    }

    public static ReferenceAbsorbance Create(IReadOnlyList<PositionAbsorbance> referencePositions, bool flatField, double toleranceMm)
    {
        if (referencePositions.Count == 0) throw new ArgumentException("the reference scan has no usable points");
        return flatField
            ? new ReferenceAbsorbance(referencePositions, null, toleranceMm)
            : new ReferenceAbsorbance(referencePositions, Absorbance.WeightedMean(referencePositions.Select(p => p.Absorbance)), toleranceMm);
    }

    /// <summary>The reference absorbance at a position, or null with the reason (outside the reference scan's positions).</summary>
    public Absorbance? At(double positionMm, out string? reason)
    {
        reason = null;
        if (_scanMean is { } mean) return mean;
        double first = _positions[0].PositionMm, last = _positions[^1].PositionMm;
        if (positionMm < first - _toleranceMm || positionMm > last + _toleranceMm)
        {
            reason = $"position {positionMm} mm outside the reference scan ({first} .. {last} mm)";
            return null;
        }
        int hi = 0;
        while (hi < _positions.Count && _positions[hi].PositionMm < positionMm) hi++;
        if (hi < _positions.Count && Math.Abs(_positions[hi].PositionMm - positionMm) <= _toleranceMm) return _positions[hi].Absorbance;
        if (hi > 0 && Math.Abs(_positions[hi - 1].PositionMm - positionMm) <= _toleranceMm) return _positions[hi - 1].Absorbance;
        if (hi == 0) return _positions[0].Absorbance;
        if (hi == _positions.Count) return _positions[^1].Absorbance;
        var (left, right) = (_positions[hi - 1], _positions[hi]);
        double w = (positionMm - left.PositionMm) / (right.PositionMm - left.PositionMm);
        return new Absorbance(
            (1 - w) * left.Absorbance.Value + w * right.Absorbance.Value,
            (1 - w) * (1 - w) * left.Absorbance.Variance + w * w * right.Absorbance.Variance);
    }
}
