namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The Fejér factor for one ω, recomputed only when the averaging width changes (points come ordered by level,
/// so a series of ~60 delays needs ~10 evaluations instead of 60).
/// </summary>
internal struct FejerCache(double omegaRadPerS, double frameTimeS)
{
    private int _frames;
    private double _factor, _derivative;

    public double Factor(int averagingFrames, out double derivative)
    {
        if (averagingFrames != _frames)
        {
            _factor = HeterodyneModel.FejerFactor(omegaRadPerS, averagingFrames, frameTimeS, out _derivative);
            _frames = averagingFrames;
        }
        derivative = _derivative;
        return _factor;
    }
}
