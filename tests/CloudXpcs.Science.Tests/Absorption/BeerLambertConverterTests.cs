using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Synthetic;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Absorption;

public class BeerLambertConverterTests(ITestOutputHelper output)
{
    private static readonly double[] ScanTimesMin = [60, 300, 600, 900, 1100];

    private static double Amplitude(double timeMin) => 0.6 * (1 - Math.Exp(-timeMin / 400.0));

    private static double Truth(double timeMin, double x) => XamTestCell.TanhProfile(Amplitude(timeMin), 0.6)(x);

    private static (XamScan Reference, List<XamScan> Scans) SimulateSeries(int seed, Func<int, double>? sensitivityScale = null)
    {
        var simulator = new XamScanSimulator(seed);
        var reference = simulator.Simulate("t0000", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM));
        var scans = ScanTimesMin.Select((t, i) => simulator.Simulate($"t{t:0000}",
            XamTestCell.Spec(t, x => Truth(t, x), sensitivityScale: sensitivityScale?.Invoke(i) ?? 1.0))).ToList();
        return (reference, scans);
    }

    [Fact]
    public void Optical_constants_with_flat_field_recover_the_profile_with_honest_errors()
    {
        var (reference, scans) = SimulateSeries(11);
        var settings = new XamConversionSettings(XamTestCell.InitialConcentrationM,
            new XamCalibration.ByOpticalConstants(XamTestCell.Optics));

        var result = BeerLambertConverter.Convert(reference, scans, settings);

        Assert.Empty(result.Rejected);
        Assert.Equal(ScanTimesMin.Length * XamTestCell.Positions().Length, result.Profiles.Count);
        var (meanChi2, maxPull, count) = XamTestCell.Pulls(result.Profiles, (t, x) => Truth(Math.Round(t / 10) * 10, x));
        Assert.Equal(755, count);
        output.WriteLine($"optical+flat field: mean χ² {meanChi2:F3}, max |pull| {maxPull:F2}, mean σ {result.Profiles.Average(p => p.StatisticalErrM):F4} M");
        Assert.InRange(meanChi2, 0.85, 1.15);
        Assert.True(maxPull < 4.5, $"max |pull| {maxPull}");
        // Typical statistical error at 1e6 incident counts: about 0.01 M.
        Assert.InRange(result.Profiles.Average(p => p.StatisticalErrM), 0.005, 0.02);
        // Salt is conserved in the truth, and the recovered profiles conserve it within errors.
        foreach (var summary in result.Scans)
            Assert.InRange(summary.MeanConcentrationM, XamTestCell.InitialConcentrationM - 0.005, XamTestCell.InitialConcentrationM + 0.005);
    }

    [Fact]
    public void A_position_measured_twice_in_a_scan_is_averaged_and_counted_in_the_summary()
    {
        var (reference, scans) = SimulateSeries(13);
        var first = scans[0];
        var repeated = first with { Points = [.. first.Points, first.Points[3]] };
        var settings = new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.ByOpticalConstants(XamTestCell.Optics));

        var result = BeerLambertConverter.Convert(reference, [repeated, .. scans.Skip(1)], settings);

        Assert.Equal(1, result.Scans[0].RepeatedPointCount);
        Assert.Equal(XamTestCell.Positions().Length, result.Scans[0].PositionCount);
        Assert.All(result.Scans.Skip(1), s => Assert.Equal(0, s.RepeatedPointCount));
    }

    [Fact]
    public void Without_flat_field_the_blank_ripple_shows_up_as_a_bias()
    {
        var (reference, scans) = SimulateSeries(12);
        var settings = new XamConversionSettings(XamTestCell.InitialConcentrationM,
            new XamCalibration.ByOpticalConstants(XamTestCell.Optics), FlatField: false);

        var result = BeerLambertConverter.Convert(reference, scans, settings);

        // Ripple amplitude 0.03 absorbance / 0.25 per M ≈ 0.12 M: far outside the errors, as it must be.
        var (meanChi2, _, _) = XamTestCell.Pulls(result.Profiles, (t, x) => Truth(Math.Round(t / 10) * 10, x));
        Assert.True(meanChi2 > 10, $"mean χ² {meanChi2}");

        // With a uniform blank, the scan-mean reference is enough.
        var simulator = new XamScanSimulator(13);
        var uniformReference = simulator.Simulate("t0000", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM, blank: _ => 0.4));
        var uniformScans = ScanTimesMin.Select(t => simulator.Simulate($"t{t}", XamTestCell.Spec(t, x => Truth(t, x), blank: _ => 0.4))).ToList();
        var uniform = BeerLambertConverter.Convert(uniformReference, uniformScans, settings);
        var (uniformChi2, uniformMaxPull, _) = XamTestCell.Pulls(uniform.Profiles, (t, x) => Truth(Math.Round(t / 10) * 10, x));
        output.WriteLine($"optical, no flat field: ripple χ² {meanChi2:F1}; uniform blank χ² {uniformChi2:F3}, max |pull| {uniformMaxPull:F2}");
        Assert.InRange(uniformChi2, 0.85, 1.15);
        Assert.True(uniformMaxPull < 4.5);
    }

    [Fact]
    public void Salt_conservation_with_flat_field_absorbs_a_per_scan_sensitivity_change()
    {
        // The sensitivity changes by up to 4 % between scans (e.g. beam energy); the blank (0.4) is known and uniform.
        double[] scales = [1.0, 1.04, 0.97, 1.02, 0.99];
        var simulator = new XamScanSimulator(21);
        var reference = simulator.Simulate("t0000", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM, blank: _ => 0.4));
        var scans = ScanTimesMin.Select((t, i) => simulator.Simulate($"t{t}",
            XamTestCell.Spec(t, x => Truth(t, x), sensitivityScale: scales[i], blank: _ => 0.4))).ToList();

        var conservation = BeerLambertConverter.Convert(reference, scans,
            new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.BySaltConservation(0.4)));
        var (chi2, maxPull, count) = XamTestCell.Pulls(conservation.Profiles, (t, x) => Truth(Math.Round(t / 10) * 10, x));
        Assert.Equal(755, count);
        output.WriteLine($"conservation+flat field: mean χ² {chi2:F3}, max |pull| {maxPull:F2}");
        Assert.InRange(chi2, 0.85, 1.15);
        Assert.True(maxPull < 4.5, $"max |pull| {maxPull}");
        foreach (var summary in conservation.Scans)
            Assert.Equal(XamTestCell.InitialConcentrationM, summary.MeanConcentrationM, 9);

        // The same data through the fixed optical sensitivity is biased by the 4 % change.
        var optical = BeerLambertConverter.Convert(reference, scans,
            new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.ByOpticalConstants(XamTestCell.Optics)));
        var (opticalChi2, _, _) = XamTestCell.Pulls(optical.Profiles, (t, x) => Truth(Math.Round(t / 10) * 10, x));
        output.WriteLine($"same data, fixed optical sensitivity: mean χ² {opticalChi2:F3}");
        Assert.True(opticalChi2 > chi2 + 1, $"optical χ² {opticalChi2} vs conservation {chi2}");
    }

    [Fact]
    public void Salt_conservation_without_flat_field_recovers_a_linear_gradient()
    {
        var simulator = new XamScanSimulator(31);
        var reference = simulator.Simulate("t0000", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM, blank: _ => 0.2));
        var profile = XamTestCell.LinearProfile(0.15);
        var scans = Enumerable.Range(0, 6).Select(i => simulator.Simulate($"s{i}", XamTestCell.Spec(100 + i, profile, blank: _ => 0.2))).ToList();

        var result = BeerLambertConverter.Convert(reference, scans, new XamConversionSettings(
            XamTestCell.InitialConcentrationM, new XamCalibration.BySaltConservation(0.2), FlatField: false));

        var (chi2, maxPull, count) = XamTestCell.Pulls(result.Profiles, (_, x) => profile(x));
        Assert.Equal(6 * 151, count);
        output.WriteLine($"conservation, no flat field: mean χ² {chi2:F3}, max |pull| {maxPull:F2}");
        Assert.InRange(chi2, 0.85, 1.15);
        Assert.True(maxPull < 4.5);
    }

    [Fact]
    public void Repeated_positions_are_averaged_and_bad_points_rejected_with_a_reason()
    {
        var simulator = new XamScanSimulator(41);
        double[] once = XamTestCell.Positions(0.1);
        double[] twice = once.Concat(once).ToArray();
        var reference = simulator.Simulate("ref", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM, twice));
        var clean = simulator.Simulate("late", XamTestCell.Spec(500, x => Truth(500, x), twice));
        var bad = new List<XamPoint>(clean.Points)
        {
            new(500, 0.0, 0, 1000),
            new(500, 0.1, 1e6, -3),
            new(500, 0.2, double.NaN, 1000),
            new(500, 0.3, 1e6, double.PositiveInfinity),
            new(500, 5.0, 1e6, 3e5), // outside the reference scan
        };
        var scan = new XamScan("late", bad);

        var result = BeerLambertConverter.Convert(reference, [scan],
            new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.ByOpticalConstants(XamTestCell.Optics)));

        Assert.Equal(once.Length, result.Profiles.Count);
        Assert.Equal(5, result.Rejected.Count);
        Assert.Equal(2, result.Rejected.Count(r => r.Reason.Contains("non-positive", StringComparison.Ordinal)));
        Assert.Equal(2, result.Rejected.Count(r => r.Reason.Contains("non-finite", StringComparison.Ordinal)));
        Assert.Single(result.Rejected, r => r.Reason.Contains("outside the reference scan", StringComparison.Ordinal));
        Assert.Equal(5, result.Scans.Single().RejectedPointCount);

        // Two raster points per position: the error is about 1/√2 of a single point's.
        var single = BeerLambertConverter.Convert(
            simulator.Simulate("ref", XamTestCell.Spec(0, _ => XamTestCell.InitialConcentrationM, once)),
            [simulator.Simulate("late", XamTestCell.Spec(500, x => Truth(500, x), once))],
            new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.ByOpticalConstants(XamTestCell.Optics)));
        double ratio = result.Profiles.Average(p => p.StatisticalErrM) / single.Profiles.Average(p => p.StatisticalErrM);
        Assert.InRange(ratio, 0.65, 0.77);
    }

    [Fact]
    public void Calibration_uncertainty_adds_to_the_counting_error()
    {
        var optics = XamTestCell.Optics with { ThicknessErrCm = 0.005 }; // 5 % of 1 mm
        Assert.Equal(0.05, optics.SensitivityRelErr, 12);
        var (reference, scans) = SimulateSeries(51);
        var result = BeerLambertConverter.Convert(reference, scans,
            new XamConversionSettings(XamTestCell.InitialConcentrationM, new XamCalibration.ByOpticalConstants(optics), InitialConcentrationErrM: 0.02));
        foreach (var p in result.Profiles)
        {
            double deltaC = p.ConcentrationM - XamTestCell.InitialConcentrationM;
            double expected = Math.Sqrt(p.StatisticalErrM * p.StatisticalErrM + Math.Pow(0.05 * deltaC, 2) + 0.02 * 0.02);
            Assert.Equal(expected, p.ConcentrationErrM, 12);
        }
    }

    [Fact]
    public void Sensitivity_follows_the_constant_volume_displacement_formula()
    {
        // dμ/dc = (M_salt·(μ/ρ)_salt − V_salt·ρ_PEO·(μ/ρ)_PEO)/1000, ρ_PEO = M_EO/V_EO = 44.053/40.0.
        double vSalt = XamTestCell.Optics.Volumes.SaltCm3PerMol, vEo = XamTestCell.Optics.Volumes.EoCm3PerMol;
        double expected = (287.08 * 10.0 - vSalt * (44.053 / vEo) * 2.5) / 1000.0;
        Assert.Equal(expected, XamTestCell.Optics.AttenuationPerMolarCmInv, 12);
        Assert.Equal(0.1 * expected, XamTestCell.Optics.SensitivityPerM, 12);
    }
}
