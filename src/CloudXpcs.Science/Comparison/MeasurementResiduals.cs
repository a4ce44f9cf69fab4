namespace CloudXpcs.Science.Comparison;

/// <summary>
/// One-σ uncertainties of the weighted χ². Each measurement's σ is the largest of its own error and the floors below;
/// the floors stand in for errors the data do not give (published curves are digitised without error bars) and keep
/// a few over-precise points from dominating.
/// </summary>
public sealed record MisfitOptions
{
    /// <summary>σ of a current reading relative to |i| (echem.csv has no error column).</summary>
    public double CurrentRelativeError { get; init; } = 0.02;
    public double ConcentrationErrorFloorM { get; init; } = 0.03;
    public double VelocityRelativeErrorFloor { get; init; } = 0.10;
    public double VelocityErrorFloorAPerS { get; init; } = 3.0;
    /// <summary>Which kinds of measurement enter (e.g. leave the current out to see what profiles and velocities alone say).</summary>
    public bool UseCurrent { get; init; } = true;
    public bool UseProfiles { get; init; } = true;
    public bool UseVelocities { get; init; } = true;

    public void Validate()
    {
        if (!(CurrentRelativeError > 0)) throw new ArgumentException($"current relative error must be > 0, got {CurrentRelativeError}");
        if (!(ConcentrationErrorFloorM >= 0)) throw new ArgumentException($"concentration error floor must be >= 0, got {ConcentrationErrorFloorM}");
        if (!(VelocityRelativeErrorFloor >= 0)) throw new ArgumentException($"velocity relative error floor must be >= 0, got {VelocityRelativeErrorFloor}");
        if (!(VelocityErrorFloorAPerS >= 0)) throw new ArgumentException($"velocity error floor must be >= 0, got {VelocityErrorFloorAPerS}");
        if (!UseCurrent && !UseProfiles && !UseVelocities) throw new ArgumentException("the misfit must use at least one kind of measurement");
    }
}

/// <summary>A measured value next to its prediction and the σ it is weighted with.</summary>
public readonly record struct Residual(double TimeMin, double PositionMm, double Measured, double Predicted, double Sigma)
{
    public double Chi2 => (Measured - Predicted) * (Measured - Predicted) / (Sigma * Sigma);
}

/// <summary>χ² per kind of measurement and the number of measurements in each.</summary>
public sealed record MisfitBreakdown(double CurrentChi2, int CurrentPoints, double ProfileChi2, int ProfilePoints,
                                     double VelocityChi2, int VelocityPoints)
{
    public double Chi2 => CurrentChi2 + ProfileChi2 + VelocityChi2;
    public int Points => CurrentPoints + ProfilePoints + VelocityPoints;

    /// <summary>Mean of the reduced χ² (χ²/n) of each kind that has measurements: every length scale counts equally.</summary>
    public double BalancedScore
    {
        get
        {
            var blocks = new[] { (CurrentChi2, CurrentPoints), (ProfileChi2, ProfilePoints), (VelocityChi2, VelocityPoints) }
                .Where(b => b.Item2 > 0).Select(b => b.Item1 / b.Item2).ToArray();
            return blocks.Length == 0 ? double.NaN : blocks.Average();
        }
    }
}

/// <summary>
/// Every measurement of a beamtime that a simulation covers, with its prediction. Measurements outside the simulated
/// time span or (velocities) outside the simulated positions are left out. Fit speeds take the sign of the predicted
/// lab-frame velocity.
/// </summary>
public sealed record MeasurementResiduals(IReadOnlyList<Residual> Current, IReadOnlyList<Residual> Profiles, IReadOnlyList<Residual> Velocities)
{
    public static MeasurementResiduals Evaluate(MeasuredBeamtime measured, SimulatedCell simulation, MisfitOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(options);
        var current = new List<Residual>(measured.Current.Count);
        foreach (var c in options.UseCurrent ? measured.Current : [])
            if (simulation.Covers(c.TimeMin))
                current.Add(new Residual(c.TimeMin, double.NaN, c.CurrentMAPerCm2, simulation.CurrentAt(c.TimeMin),
                    Math.Max(options.CurrentRelativeError * Math.Abs(c.CurrentMAPerCm2), 1e-12)));
        var profiles = new List<Residual>(measured.Profiles.Count);
        foreach (var p in options.UseProfiles ? measured.Profiles : [])
            if (simulation.Covers(p.TimeMin))
                profiles.Add(new Residual(p.TimeMin, p.PositionMm, p.ConcentrationM, simulation.ConcentrationAt(p.TimeMin, p.PositionMm),
                    Math.Max(Math.Max(p.ConcentrationErrM, options.ConcentrationErrorFloorM), 1e-12)));
        var velocities = new List<Residual>(measured.Velocities.Count);
        foreach (var v in options.UseVelocities ? measured.Velocities : [])
        {
            if (!simulation.Covers(v.TimeMin) || simulation.VelocityAt(v.TimeMin, v.PositionMm) is not double predicted) continue;
            double value = SignedVelocity(v, predicted);
            double sigma = Math.Max(Math.Max(v.VEoErrAPerS, options.VelocityRelativeErrorFloor * Math.Abs(value)), options.VelocityErrorFloorAPerS);
            velocities.Add(new Residual(v.TimeMin, v.PositionMm, value, predicted, Math.Max(sigma, 1e-12)));
        }
        return new MeasurementResiduals(current, profiles, velocities);
    }

    /// <summary>The measured velocity along +position: a fit speed gets the sign of the prediction.</summary>
    public static double SignedVelocity(VelocityPoint v, double predictedAPerS) =>
        v.SignFromModel ? (predictedAPerS < 0 ? -1 : 1) * Math.Abs(v.VEoAPerS) : v.VEoAPerS;

    public MisfitBreakdown Misfit => new(Current.Sum(r => r.Chi2), Current.Count, Profiles.Sum(r => r.Chi2), Profiles.Count,
                                         Velocities.Sum(r => r.Chi2), Velocities.Count);
}
