namespace CloudXpcs.Science.Absorption;

/// <summary>A raster point left out of the conversion, and why.</summary>
public sealed record RejectedXamPoint(string ScanName, XamPoint Point, string Reason);
