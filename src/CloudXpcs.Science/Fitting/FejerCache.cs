namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The Fejér factor for one ω and its first two ω-derivatives, recomputed only when the averaging width changes
/// (points come ordered by level, so a series of ~60 delays needs ~10 evaluations instead of 60).
/// </summary>
internal struct FejerCache(double omegaRadPerS, double frameTimeS)
{
    private int _frames;
    private double _factor, _derivative, _second;

    public double Factor(int averagingFrames, out double derivative) => Factor(averagingFrames, out derivative, out _);

    public double Factor(int averagingFrames, out double derivative, out double secondDerivative)
    {
        if (averagingFrames != _frames)
        {
            _factor = HeterodyneModel.FejerFactor(omegaRadPerS, averagingFrames, frameTimeS, out _derivative, out _second);
            _frames = averagingFrames;
        }
        derivative = _derivative;
        secondDerivative = _second;
        return _factor;
    }
}
