using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>The solver against the analytic references of CONTINUUM_MODEL_NOTES §3.</summary>
public sealed class ContinuumVerificationTests(ITestOutputHelper output)
{
    private const double Minute = 60;

    [Fact]
    public void GalvanostaticConstantPropertiesMatchFourierSeries()
    {
        const double length = 3e-3, d = 1e-11, tplus = 0.2, current = 0.05, mean = 1870;
        double[] times = [10 * Minute, 100 * Minute, 1000 * Minute];
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = TestSets.Constant(diffusivityCm2PerS: d * 1e4, tplus: tplus),
            Drive = new ConstantCurrent(current),
            DurationS = times[^1], OutputTimesS = times, PositionsMm = [],
            CellCount = 480, RelativeTolerance = 1e-10,
        });
        // Finite-volume unknowns are cell averages: compare with the exact cell averages (the grid's faces, x from the stripping side).
        var faces = CellGrid.RefinedTowardsElectrodes(length, result.CellCount).FacesM;
        for (int k = 0; k < times.Length; k++)
        {
            double worst = 0, change = 0;
            for (int j = 0; j < result.CellCount; j++)
            {
                double exact = AnalyticReferences.GalvanostaticCellAverage(faces[j], faces[j + 1], times[k], length, d, 1 - tplus, current, mean);
                double simulated = result.ConcentrationMolPerM3[k][j];
                worst = Math.Max(worst, Math.Abs(simulated - exact));
                change = Math.Max(change, Math.Abs(AnalyticReferences.GalvanostaticConcentration(faces[j], times[k], length, d, 1 - tplus, current, mean) - mean));
            }
            output.WriteLine($"t = {times[k] / Minute} min: max |c - c_exact| / max |c_exact - c_mean| = {worst / change:E2}");
            Assert.True(worst / change < 1e-4, $"relative error {worst / change:E2} at t = {times[k] / Minute} min");
        }
        output.WriteLine($"steps {result.AcceptedSteps} (+{result.RejectedSteps} rejected), cells {result.CellCount}");
    }

    [Fact]
    public void LinearisedConstantVoltageCurrentMatchesEigenSeries()
    {
        const double length = 3e-3, kappa = 0.09, rInt = 7e-4, d = 1e-11, tplus = 0.2, voltage = 1e-4, mean = 1870, temperature = 363.15;
        double[] times = [1 * Minute, 3 * Minute, 10 * Minute, 30 * Minute, 100 * Minute, 300 * Minute, 1000 * Minute];
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = TestSets.Constant(kappa / 100, d * 1e4, tplus, interfacialOhmCm2: rInt * 1e4),
            Drive = new ConstantVoltage(voltage),
            DurationS = times[^1], OutputTimesS = times, PositionsMm = [],
            CellCount = 96, RelativeTolerance = 1e-7,
        });
        double worst = 0;
        for (int k = 0; k < times.Length; k++)
        {
            double exact = AnalyticReferences.LinearisedConstantVoltageCurrent(times[k], voltage, length, kappa, rInt, d, 1 - tplus, 1, mean, temperature);
            double error = Math.Abs(result.CurrentDensityAPerM2[k] - exact) / exact;
            worst = Math.Max(worst, error);
            output.WriteLine($"t = {times[k] / Minute,6} min: i = {result.CurrentDensityAPerM2[k]:E6} A/m2, series {exact:E6}, rel. error {error:E2}");
        }
        Assert.True(worst < 1e-3, $"max relative error {worst:E2}");
    }

    [Fact]
    public void NonlinearSteadyStateMatchesQuadrature()
    {
        // Short cell so that 12 time constants L²/(π²D) fit in the run; PNB properties with their steep t+0(c).
        var set = BuiltInTransportSets.Pnb();
        const double length = 0.5e-3, voltage = 0.02, mean = 1870, temperature = 363.15;
        var reference = SteadyStateReference.Solve(set, length, voltage, mean, temperature);
        double tau = length * length / (Math.PI * Math.PI * set.DiffusivityM2PerS.ValueAt(mean));
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = set, Drive = new ConstantVoltage(voltage), LengthM = length,
            DurationS = 15 * tau, OutputTimesS = [15 * tau], PositionsMm = [0.0], CellCount = 64, RelativeTolerance = 1e-6,
        });
        double currentError = Math.Abs(result.CurrentDensityAPerM2[0] - reference.CurrentAPerM2) / reference.CurrentAPerM2;
        double worst = 0;
        for (int j = 0; j < result.CellCount; j++)
        {
            double x = result.CellPositionsMm[j] * 1e-3 + length / 2;
            worst = Math.Max(worst, Math.Abs(result.ConcentrationMolPerM3[0][j] - reference.ConcentrationAt(x)));
        }
        double profileError = worst / (reference.ConcentrationAt(0) - reference.ConcentrationAt(length));
        output.WriteLine($"i_ss = {result.CurrentDensityAPerM2[0]:E6} A/m2, quadrature {reference.CurrentAPerM2:E6}: rel. error {currentError:E2}");
        output.WriteLine($"c(0) = {reference.ConcentrationAt(0):F2}, c(L) = {reference.ConcentrationAt(length):F2} mol/m3; profile error / span {profileError:E2}");
        // J₋ = 0 at steady state, so the solvent is at rest in the interface frame; only the interface velocity remains.
        double interfaceVelocity = -result.CurrentDensityAPerM2[0] * 13.0e-6 / AnalyticReferences.F;
        output.WriteLine($"v_EO,lab(centre) = {result.SolventVelocityLabMPerS[0][0]:E3} m/s, interface velocity {interfaceVelocity:E3} m/s");
        Assert.True(currentError < 1e-3, $"steady current error {currentError:E2}");
        Assert.True(profileError < 2e-3, $"steady profile error {profileError:E2}");
        Assert.Equal(interfaceVelocity, result.SolventVelocityLabMPerS[0][0], Math.Abs(interfaceVelocity) * 1e-3);
    }

    [Fact]
    public void InitialSolventVelocityMatchesExactFormula()
    {
        var set = BuiltInTransportSets.Pnb();
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = set, DurationS = 60, OutputTimesS = [0, 60], PositionsMm = [0.0, -0.5, 0.55],
        });
        double tplus = set.CationTransference.ValueAt(1870);
        for (int k = 0; k < 2; k++)
        {
            double i = result.CurrentDensityAPerM2[k];
            double exact = (set.SaltPartialMolarVolumeM3PerMol * (1 - tplus) - 13.0e-6) * i / AnalyticReferences.F;
            for (int p = 0; p < result.PositionsMm.Length; p++)
            {
                double v = result.SolventVelocityLabMPerS[p][k];
                output.WriteLine($"t = {result.TimesS[k]} s, position {result.PositionsMm[p]} mm: v_EO,lab = {v * 1e9:F4} nm/s, exact {exact * 1e9:F4} nm/s");
                Assert.Equal(exact, v, Math.Abs(exact) * 1e-9);
            }
        }
        // The anion moves towards the stripping electrode (−position) relative to the solvent: J₋/c = −(1 − t₊⁰)i/(Fc).
        double anion = -(1 - tplus) * result.CurrentDensityAPerM2[0] / (AnalyticReferences.F * 1870);
        Assert.Equal(anion, result.AnionVelocitySolventFrameMPerS[0][0], Math.Abs(anion) * 1e-9);
    }

    [Fact]
    public void SaltIsConservedToRoundOff()
    {
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec { Transport = BuiltInTransportSets.Pnb(), PositionsMm = [] });
        var widths = CellGrid.RefinedTowardsElectrodes(3e-3, result.CellCount).WidthsM;
        double worstProfile = 0;
        foreach (var profile in result.ConcentrationMolPerM3)
        {
            double salt = 0;
            for (int j = 0; j < widths.Length; j++) salt += widths[j] * profile[j];
            worstProfile = Math.Max(worstProfile, Math.Abs(salt - 1870 * 3e-3) / (1870 * 3e-3));
        }
        output.WriteLine($"max relative salt drift: steps {result.MaxRelativeSaltDrift:E2}, output profiles {worstProfile:E2}");
        Assert.True(result.MaxRelativeSaltDrift < 1e-10);
        Assert.True(worstProfile < 1e-10);
    }

    [Fact]
    public void CurrentAboveDiffusionLimitThrowsClearly()
    {
        // Limiting current 2FDc̄/(t₋L) ≈ 0.15 mA/cm² here; 0.5 mA/cm² empties the plating side within ~20 min.
        var spec = new CellSimulationSpec
        {
            Transport = TestSets.Constant(), Drive = new ConstantCurrent(5.0), PositionsMm = [],
        };
        var ex = Assert.Throws<DiffusionLimitedCurrentException>(() => ContinuumCellSolver.Simulate(spec));
        output.WriteLine(ex.Message);
        Assert.Contains("diffusion-limited", ex.Message);
    }

    [Fact]
    public void StrippingSideFlipsTheProfileAndVelocitySigns()
    {
        var baseSpec = new CellSimulationSpec { Transport = BuiltInTransportSets.Pnb(), DurationS = 100 * Minute, OutputTimesS = [100 * Minute], PositionsMm = [-0.5] };
        var left = ContinuumCellSolver.Simulate(baseSpec);
        var right = ContinuumCellSolver.Simulate(baseSpec with { StrippingElectrodeSide = 1, PositionsMm = [0.5] });
        Assert.True(left.ConcentrationMolPerM3[0][0] > left.ConcentrationMolPerM3[0][^1], "salt accumulates at the stripping side (−L/2)");
        Assert.Equal(left.ConcentrationMolPerM3[0][0], right.ConcentrationMolPerM3[0][^1], 1e-9);
        Assert.Equal(left.SolventVelocityLabMPerS[0][0], -right.SolventVelocityLabMPerS[0][0], 1e-18);
    }

    [Fact]
    public void ButlerVolmerKineticsAddTheirOverpotentialAtStart()
    {
        const double i0 = 5.0, rInt = 7e-4, kappa = 0.09, voltage = 0.3, length = 3e-3;
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = TestSets.Constant(kappa / 100, interfacialOhmCm2: rInt * 1e4), ExchangeCurrentDensityAPerM2 = i0,
            DurationS = 600, OutputTimesS = [0, 600], PositionsMm = [],
        });
        double i = result.CurrentDensityAPerM2[0];
        double twoRtOverF = 2 * AnalyticReferences.R * 363.15 / AnalyticReferences.F;
        double expected = i * (rInt + length / kappa) + 2 * twoRtOverF * Math.Asinh(i / (2 * i0));
        Assert.Equal(voltage, expected, 1e-12);
        Assert.Equal(voltage, result.VoltageV[1], 1e-6);
        Assert.True(i < voltage / (rInt + length / kappa));
    }

    [Fact]
    public void ConstantCurrentReportsARisingVoltage()
    {
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = TestSets.Constant(), Drive = new ConstantCurrent(0.5), DurationS = 6000, OutputTimesS = [0, 600, 6000], PositionsMm = [],
        });
        Assert.All(result.CurrentDensityAPerM2, i => Assert.Equal(0.5, i, 12));
        Assert.Equal(0.5 * 3e-3 / 0.09, result.VoltageV[0], 1e-12);
        Assert.True(result.VoltageV[1] > result.VoltageV[0] && result.VoltageV[2] > result.VoltageV[1]);
    }
}
