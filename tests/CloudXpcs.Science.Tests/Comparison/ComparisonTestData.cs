using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Inference;

namespace CloudXpcs.Science.Tests.Comparison;

/// <summary>Small, fast cells and measurements sampled from them (optionally with Gaussian noise of the misfit's σ).</summary>
public static class ComparisonTestData
{
    public static readonly CellConditions StudyCell = new(3.0, 0.3, 90, 1.87, -1);
    public const int Cells = 24;

    /// <summary>The measurement plan: every position and time that the measured beamtime will hold.</summary>
    public static MeasuredBeamtime Plan(double lastMin = 400) => new("test-beamtime", StudyCell,
        Enumerable.Range(0, 21).Select(k => new CurrentPoint(k * lastMin / 20, 1)).ToList(),
        new[] { 150.0, lastMin }.SelectMany(t => Enumerable.Range(0, 10).Select(j => new ProfilePoint(t, -1.0 + j * 2.0 / 9, 1, 0))).ToList(),
        new[] { -0.5, 0.2, 0.55 }.SelectMany(x => new[] { 60.0, 200, 260, 320, 380 }.Select(t => new VelocityPoint(t, x, 1, 0, VelocitySource.MeasuredCsv, null))).ToList());

    public static SimulatedCell Simulate(MeasuredBeamtime plan, TransportSet set) =>
        SimulatedCell.From(ContinuumCellSolver.Simulate(ComparisonSimulation.SpecFor(plan, set, Cells)));

    public static TransportSet WithTransference(TransportSet baseSet, double tplus0AtRef, double slopePerM = 0) =>
        new TransferenceCandidate(slopePerM == 0 ? TransferenceModel.Constant : TransferenceModel.Linear, tplus0AtRef, slopePerM, CandidateStage.Hypothesis)
            .Apply(baseSet, 1.87);

    /// <summary>The plan's measurements read off <paramref name="truth"/>, plus noise with the misfit's σ when a seed is given.</summary>
    public static MeasuredBeamtime Sample(MeasuredBeamtime plan, SimulatedCell truth, int? seed = null, MisfitOptions? misfit = null,
                                          VelocitySource velocitySource = VelocitySource.MeasuredCsv)
    {
        var o = misfit ?? new MisfitOptions();
        var random = seed is int s ? new Random(s) : null;
        double Noise(double sigma) => random is null ? 0 : sigma * Gaussian(random);
        return plan with
        {
            Current = plan.Current.Select(c =>
            {
                double i = truth.CurrentAt(c.TimeMin);
                return c with { CurrentMAPerCm2 = i + Noise(o.CurrentRelativeError * Math.Abs(i)) };
            }).ToList(),
            Profiles = plan.Profiles.Select(p => p with { ConcentrationM = truth.ConcentrationAt(p.TimeMin, p.PositionMm) + Noise(o.ConcentrationErrorFloorM) }).ToList(),
            Velocities = plan.Velocities.Select(v =>
            {
                double value = truth.VelocityAt(v.TimeMin, v.PositionMm)!.Value;
                double sigma = Math.Max(o.VelocityRelativeErrorFloor * Math.Abs(value), o.VelocityErrorFloorAPerS);
                value += Noise(sigma);
                return v with { VEoAPerS = velocitySource == VelocitySource.Fit ? Math.Abs(value) : value, Source = velocitySource };
            }).ToList(),
        };
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
