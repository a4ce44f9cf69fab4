using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Inference;

namespace CloudXpcs.Science.Tests.Comparison;

public sealed class TransferenceInferenceTests
{
    private static CandidateMisfit Misfit(TransferenceModel model, double a, double b, double chi2, int n) =>
        new(new TransferenceCandidate(model, a, b, CandidateStage.Grid), new MisfitBreakdown(chi2, n, 0, 0, 0, 0), null);

    [Theory]
    [InlineData(100.0, 1.0)]     // reduced χ² < 1: threshold 3.84, interval θ0 ± 1.96σ
    [InlineData(4 * 199, 2.0)]   // reduced χ² = 4: threshold scaled by 4, interval widened by 2
    public void ProfileIntervalOfAnAnalyticParabola(double chi2AtBest, double widening)
    {
        const double theta0 = 0.137, sigma = 0.05;
        var options = new InferenceOptions { IncludeLinear = false };
        var misfits = Enumerable.Range(0, 401).Select(k => -0.5 + k * 0.0025)
            .Select(t => Misfit(TransferenceModel.Constant, t, 0, chi2AtBest + Math.Pow((t - theta0) / sigma, 2), 200)).ToList();
        var fit = TransferenceInference.Summarize(options, misfits).Models.Single();
        var p = fit.Parameters.Single();
        double half = Math.Sqrt(InferenceOptions.Chi2OneDof95) * sigma * widening;
        Assert.Equal(theta0, p.Value, 0.0025);
        Assert.Equal(theta0 - half, p.CiLow, 0.002);
        Assert.Equal(theta0 + half, p.CiHigh, 0.002);
        Assert.False(p.CiLowOpen || p.CiHighOpen);
        Assert.Equal(Math.Max(1, chi2AtBest / 199), fit.Chi2Scale, 2);
        Assert.Equal(widening > 1, fit.Notes.Any(n => n.Contains("scaled", StringComparison.Ordinal)));
    }

    [Fact]
    public void ProfileIntervalsOfACorrelatedQuadraticSurface()
    {
        // χ² = ΔᵀMΔ: the profile interval of each parameter is ±sqrt(3.84·(M⁻¹)ᵢᵢ), wider than the conditional one.
        double a0 = 0.05, b0 = -0.2, maa = 400, mab = 300, mbb = 400;
        double det = maa * mbb - mab * mab;
        var options = new InferenceOptions();
        var misfits = new List<CandidateMisfit>();
        for (double a = -0.3; a <= 0.4 + 1e-9; a += 0.005)
            for (double b = -0.6; b <= 0.2 + 1e-9; b += 0.005)
            {
                double da = a - a0, db = b - b0;
                misfits.Add(Misfit(TransferenceModel.Linear, Math.Round(a, 6), Math.Round(b, 6), 10 + maa * da * da + 2 * mab * da * db + mbb * db * db, 100));
            }
        misfits.Add(Misfit(TransferenceModel.Constant, 0.5, 0, 1e6, 100));
        var result = TransferenceInference.Summarize(options, misfits);
        var linear = result.Models.Single(m => m.Model == TransferenceModel.Linear);
        double halfA = Math.Sqrt(InferenceOptions.Chi2OneDof95 * mbb / det), halfB = Math.Sqrt(InferenceOptions.Chi2OneDof95 * maa / det);
        var pa = linear.Parameters[0];
        var pb = linear.Parameters[1];
        Assert.Equal(TransferenceInference.InterceptParameter, pa.Name);
        Assert.Equal(a0 - halfA, pa.CiLow, 0.006);
        Assert.Equal(a0 + halfA, pa.CiHigh, 0.006);
        Assert.Equal(b0 - halfB, pb.CiLow, 0.006);
        Assert.Equal(b0 + halfB, pb.CiHigh, 0.006);
        Assert.Equal("linear", result.Preferred);
    }

    [Fact]
    public void EvaluateIsDeterministicAndReportsInfeasibleCandidates()
    {
        var plan = ComparisonTestData.Plan(200);
        var baseSet = BuiltInTransportSets.Pnb();
        var measured = ComparisonTestData.Sample(plan, ComparisonTestData.Simulate(plan, ComparisonTestData.WithTransference(baseSet, 0.2)));
        var options = new InferenceOptions { CellCount = ComparisonTestData.Cells };
        var spec = ComparisonSimulation.SpecFor(measured, baseSet, options.CellCount);
        var candidate = new TransferenceCandidate(TransferenceModel.Constant, 0.2, 0, CandidateStage.Grid);
        var first = TransferenceInference.Evaluate(measured, baseSet, spec, candidate, options);
        var second = TransferenceInference.Evaluate(measured, baseSet, spec, candidate, options);
        Assert.Equal(first.Misfit, second.Misfit);
        Assert.Equal(0.0, first.Misfit!.Chi2, 9);
        var impossible = TransferenceInference.Evaluate(measured, baseSet, spec, candidate with { Tplus0AtRef = 1.2 }, options);
        Assert.False(impossible.Feasible);
        Assert.Contains("tplus0", impossible.Failure);
    }

    [Fact]
    public void RecoversAConstantTransferenceNumberFromNoisyMeasurements()
    {
        const double truth = 0.3;
        var plan = ComparisonTestData.Plan();
        var baseSet = BuiltInTransportSets.Pnb();
        var measured = ComparisonTestData.Sample(plan, ComparisonTestData.Simulate(plan, ComparisonTestData.WithTransference(baseSet, truth)), seed: 7);
        var options = new InferenceOptions
        {
            IncludeLinear = false, ConstantGrid = new ParameterGrid(-0.1, 0.7, 0.1), RefinePoints = 5, CellCount = ComparisonTestData.Cells,
        };
        var result = TransferenceInference.Run(measured, baseSet, options, threads: 2);
        var p = result.Models.Single().Parameters.Single();
        Assert.InRange(truth, p.CiLow, p.CiHigh);
        Assert.True(p.CiHigh - p.CiLow < 0.1, $"interval [{p.CiLow}, {p.CiHigh}] is too wide to be informative");
        Assert.InRange(result.Models[0].ReducedChi2, 0.5, 1.6);
        Assert.Equal(measured.PointCount, result.Models[0].DataPoints);
    }

    [Fact]
    public void RecoversALinearTransferenceNumberAndPrefersTheLinearModel()
    {
        const double a = 0.2, b = -0.5;
        var plan = ComparisonTestData.Plan();
        var baseSet = BuiltInTransportSets.Pnb();
        var measured = ComparisonTestData.Sample(plan, ComparisonTestData.Simulate(plan, ComparisonTestData.WithTransference(baseSet, a, b)), seed: 11);
        var options = new InferenceOptions
        {
            ConstantGrid = new ParameterGrid(0, 0.4, 0.1), InterceptGrid = new ParameterGrid(0, 0.4, 0.1), SlopeGrid = new ParameterGrid(-0.9, 0.1, 0.2),
            RefinePoints = 5, CellCount = ComparisonTestData.Cells,
            Hypotheses = [new TransferenceCandidate(TransferenceModel.Linear, a, b, CandidateStage.Hypothesis, "truth")],
        };
        var result = TransferenceInference.Run(measured, baseSet, options, threads: 2);
        var linear = result.Models.Single(m => m.Model == TransferenceModel.Linear);
        Assert.InRange(a, linear.Parameters[0].CiLow, linear.Parameters[0].CiHigh);
        Assert.InRange(b, linear.Parameters[1].CiLow, linear.Parameters[1].CiHigh);
        Assert.Equal("linear", result.Preferred);
        var truthHypothesis = result.Hypotheses.Single();
        Assert.True(truthHypothesis.PValue > 0.01, $"the truth is rejected: p = {truthHypothesis.PValue}");
        Assert.True(result.Simulations <= TransferenceInference.MaxSimulations(options));
    }
}
