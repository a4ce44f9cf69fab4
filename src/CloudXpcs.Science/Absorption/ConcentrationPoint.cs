namespace CloudXpcs.Science.Absorption;

/// <summary>
/// Salt concentration at one position of one scan. <see cref="ConcentrationErrM"/> is the total one-σ error (counting
/// statistics and calibration); <see cref="StatisticalErrM"/> is the counting-statistics part alone.
/// </summary>
public sealed record ConcentrationPoint(
    double TimeMin,
    double PositionMm,
    double ConcentrationM,
    double ConcentrationErrM,
    double StatisticalErrM);
