namespace CloudXpcs.Science.Comparison;

/// <summary>The cell of a beamtime (contract section 1.5): what a simulation of it needs.</summary>
public sealed record CellConditions(double LengthMm, double VoltageV, double TemperatureC, double InitialConcentrationM,
                                    int StrippingElectrodeSide);

/// <summary>One potentiostat reading (echem.csv).</summary>
public sealed record CurrentPoint(double TimeMin, double CurrentMAPerCm2);

/// <summary>One salt concentration of a measured profile; an error of 0 means "not given" (the misfit's floor applies).</summary>
public sealed record ProfilePoint(double TimeMin, double PositionMm, double ConcentrationM, double ConcentrationErrM);

public enum VelocitySource
{
    /// <summary>A speed |v| from the pipeline's own fit.json: its sign is taken from the predicted lab-frame velocity.</summary>
    Fit,
    /// <summary>A signed velocity from measured/velocities.csv (contract section 1.4).</summary>
    MeasuredCsv,
}

/// <summary>
/// Solvent (EO) velocity in the lab frame, signed along the +position axis, at one position and time. For
/// <see cref="VelocitySource.Fit"/> points <see cref="VEoAPerS"/> holds the speed (a magnitude).
/// </summary>
public sealed record VelocityPoint(double TimeMin, double PositionMm, double VEoAPerS, double VEoErrAPerS, VelocitySource Source,
                                   string? Series)
{
    public bool SignFromModel => Source == VelocitySource.Fit;
}

/// <summary>Everything measured on one beamtime that a continuum simulation is compared with, in contract units.</summary>
public sealed record MeasuredBeamtime(string Beamtime, CellConditions Cell, IReadOnlyList<CurrentPoint> Current,
                                      IReadOnlyList<ProfilePoint> Profiles, IReadOnlyList<VelocityPoint> Velocities)
{
    public int PointCount => Current.Count + Profiles.Count + Velocities.Count;

    /// <summary>The latest measurement time (min), 0 when nothing was measured.</summary>
    public double LastTimeMin =>
        Current.Select(c => c.TimeMin).Concat(Profiles.Select(p => p.TimeMin)).Concat(Velocities.Select(v => v.TimeMin))
               .DefaultIfEmpty(0).Max();

    /// <summary>Every measurement time (min), distinct and increasing.</summary>
    public IReadOnlyList<double> MeasurementTimesMin =>
        Current.Select(c => c.TimeMin).Concat(Profiles.Select(p => p.TimeMin)).Concat(Velocities.Select(v => v.TimeMin))
               .Distinct().Order().ToArray();

    public IReadOnlyList<double> VelocityPositionsMm => Velocities.Select(v => v.PositionMm).Distinct().Order().ToArray();
}
