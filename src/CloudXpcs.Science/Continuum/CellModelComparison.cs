namespace CloudXpcs.Science.Continuum;

/// <summary>Measured current density i(t) of the cell.</summary>
public sealed record MeasuredCurrent(double[] TimesS, double[] CurrentDensityAPerM2);

/// <summary>One measured salt profile on the simulation's position axis (mm from the cell centre).</summary>
public sealed record MeasuredProfile(double TimeS, double[] PositionsMm, double[] ConcentrationMolPerM3);

/// <summary>Measured solvent (EO) speed at one position, lab frame, as magnitudes.</summary>
public sealed record MeasuredVelocity(double PositionMm, double[] TimesS, double[] SpeedMPerS);

public sealed record CurrentRatio(double TimeS, double MeasuredAPerM2, double SimulatedAPerM2)
{
    public double Ratio => SimulatedAPerM2 / MeasuredAPerM2;
}

/// <summary>
/// Profile shape at one time. Asymmetry is (c(−d) + c(+d) − 2c̄)/|c(−d) − c(+d)| of a least-squares quadratic over
/// the measured span, d the half-width of the span that is symmetric about the centre: 0 for a profile that is
/// antisymmetric about c̄, positive when enrichment at one electrode exceeds depletion at the other.
/// </summary>
public sealed record ProfileMetrics(double TimeS, double RmseMolPerM3, double MeasuredAsymmetry, double SimulatedAsymmetry, int Points);

public sealed record VelocityRatio(double PositionMm, double MeasuredMeanSpeedMPerS, double SimulatedMeanSpeedMPerS, int Points)
{
    public double Ratio => SimulatedMeanSpeedMPerS / MeasuredMeanSpeedMPerS;
}

public sealed record CellComparison(string TransportSetName, IReadOnlyList<CurrentRatio> Currents,
                                    IReadOnlyList<ProfileMetrics> Profiles, IReadOnlyList<VelocityRatio> Velocities);

/// <summary>
/// Compares a <see cref="CellSimulationResult"/> with operando measurements: simulated/measured current vs time,
/// profile RMSE and asymmetry per profile time, and simulated/measured EO speed per position averaged over a
/// time window (default 200–400 min). The simulation is interpolated linearly in time and space.
/// </summary>
public static class CellModelComparison
{
    public static CellComparison Compare(CellSimulationResult simulation, double meanConcentrationMolPerM3,
                                         MeasuredCurrent? current, IReadOnlyList<MeasuredProfile> profiles,
                                         IReadOnlyList<MeasuredVelocity> velocities,
                                         double velocityWindowStartS = 200 * 60, double velocityWindowEndS = 400 * 60)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        var times = simulation.TimesS;
        var currents = new List<CurrentRatio>();
        if (current is not null)
            for (int k = 0; k < current.TimesS.Length; k++)
                if (Covered(times, current.TimesS[k]))
                    currents.Add(new CurrentRatio(current.TimesS[k], current.CurrentDensityAPerM2[k],
                                                  LinearInterpolation.At(times, simulation.CurrentDensityAPerM2, current.TimesS[k])));

        var profileMetrics = new List<ProfileMetrics>();
        foreach (var profile in profiles)
        {
            if (!Covered(times, profile.TimeS) || profile.PositionsMm.Length < 3) continue;
            var simulated = profile.PositionsMm.Select(p => ConcentrationAt(simulation, profile.TimeS, p)).ToArray();
            double sumSq = 0;
            for (int j = 0; j < simulated.Length; j++) sumSq += Math.Pow(simulated[j] - profile.ConcentrationMolPerM3[j], 2);
            double halfSpan = Math.Min(Math.Abs(profile.PositionsMm.Min()), Math.Abs(profile.PositionsMm.Max()));
            profileMetrics.Add(new ProfileMetrics(profile.TimeS, Math.Sqrt(sumSq / simulated.Length),
                Asymmetry(profile.PositionsMm, profile.ConcentrationMolPerM3, halfSpan, meanConcentrationMolPerM3),
                Asymmetry(profile.PositionsMm, simulated, halfSpan, meanConcentrationMolPerM3), simulated.Length));
        }

        var velocityRatios = new List<VelocityRatio>();
        foreach (var measured in velocities)
        {
            int p = Array.FindIndex(simulation.PositionsMm, x => Math.Abs(x - measured.PositionMm) < 1e-9);
            if (p < 0) throw new ArgumentException($"position {measured.PositionMm} mm was not simulated");
            double measuredSum = 0, simulatedSum = 0;
            int count = 0;
            for (int k = 0; k < measured.TimesS.Length; k++)
            {
                double t = measured.TimesS[k];
                if (t < velocityWindowStartS || t > velocityWindowEndS || !Covered(times, t)) continue;
                measuredSum += Math.Abs(measured.SpeedMPerS[k]);
                simulatedSum += Math.Abs(LinearInterpolation.At(times, simulation.SolventVelocityLabMPerS[p], t));
                count++;
            }
            if (count > 0) velocityRatios.Add(new VelocityRatio(measured.PositionMm, measuredSum / count, simulatedSum / count, count));
        }
        return new CellComparison(simulation.TransportSetName, currents, profileMetrics, velocityRatios);
    }

    /// <summary>Simulated concentration at time t and position (mm from centre), linear in both.</summary>
    public static double ConcentrationAt(CellSimulationResult simulation, double timeS, double positionMm)
    {
        var times = simulation.TimesS;
        int k = Math.Clamp(Array.BinarySearch(times, timeS) is int b && b >= 0 ? b : ~b - 1, 0, Math.Max(times.Length - 2, 0));
        double w = times.Length == 1 ? 0 : Math.Clamp((timeS - times[k]) / (times[k + 1] - times[k]), 0, 1);
        double a = LinearInterpolation.At(simulation.CellPositionsMm, simulation.ConcentrationMolPerM3[k], positionMm);
        if (w == 0) return a;
        return (1 - w) * a + w * LinearInterpolation.At(simulation.CellPositionsMm, simulation.ConcentrationMolPerM3[k + 1], positionMm);
    }

    private static bool Covered(double[] times, double t) => t >= times[0] && t <= times[^1];

    private static double Asymmetry(double[] positionsMm, double[] concentration, double halfSpanMm, double mean)
    {
        var (a, b, q) = FitQuadratic(positionsMm, concentration);
        double left = a - b * halfSpanMm + q * halfSpanMm * halfSpanMm;
        double right = a + b * halfSpanMm + q * halfSpanMm * halfSpanMm;
        return (left + right - 2 * mean) / Math.Abs(left - right);
    }

    private static (double A, double B, double Q) FitQuadratic(double[] x, double[] y)
    {
        var design = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(x.Length, 3, (i, j) => Math.Pow(x[i], j));
        var coefficients = design.QR().Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(y));
        return (coefficients[0], coefficients[1], coefficients[2]);
    }
}
