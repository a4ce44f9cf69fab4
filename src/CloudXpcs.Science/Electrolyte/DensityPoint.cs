namespace CloudXpcs.Science.Electrolyte;

/// <summary>One measured density at r = [Li]/[EO]; <paramref name="DensityErrGPerCm3"/> null = unknown (fit scales by residuals).</summary>
public sealed record DensityPoint(double R, double DensityGPerCm3, double? DensityErrGPerCm3 = null);
