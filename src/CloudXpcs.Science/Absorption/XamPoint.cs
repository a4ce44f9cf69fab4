namespace CloudXpcs.Science.Absorption;

/// <summary>One raster point of an X-ray absorption scan: incident (i0) and transmitted (it) photon counts.</summary>
public sealed record XamPoint(double TimeMin, double PositionMm, double I0, double It);
