using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Data.Tests.Xam;

public class XamBeamtimeTests
{
    private const double CBar = 1.87;
    private static readonly OpticalConstants Optics = new(0.1, 10.0, 2.5, PartialMolarVolumes.Study);
    private static readonly double[] Positions = Enumerable.Range(0, 61).Select(i => -1.5 + 0.05 * i).ToArray();
    private static readonly double[] TimesMin = [120, 480, 960];

    private static double Truth(double timeMin, double x) => CBar + 0.5 * (1 - Math.Exp(-timeMin / 400)) * Math.Tanh(x / 0.5);

    private static void WriteScans(TempBeamtime beamtime, int seed, double blank)
    {
        var simulator = new XamScanSimulator(seed);
        XamScan Simulate(string name, double t, Func<double, double> c) => simulator.Simulate(name,
            new XamScanSpec(t, Positions, c, Optics.SensitivityPerM, _ => blank, 5e5, k => 1 + 0.2 * Math.Cos(k / 9.0)));
        XamScanCsv.Write(beamtime.Xam("t0000.csv"), Simulate("t0000", 0, _ => CBar));
        foreach (double t in TimesMin)
            XamScanCsv.Write(beamtime.Xam($"t{t:0000}.csv"), Simulate($"t{t:0000}", t, x => Truth(t, x)));
    }

    private static void AssertRecovered(IReadOnlyList<ConcentrationPoint> profiles)
    {
        Assert.Equal(TimesMin.Length * Positions.Length, profiles.Count);
        Assert.Equal(TimesMin, profiles.Select(p => p.TimeMin).Distinct().ToArray());
        double meanChi2 = profiles.Average(p => Math.Pow((p.ConcentrationM - Truth(p.TimeMin, p.PositionMm)) / p.ConcentrationErrM, 2));
        // 183 points whose 3 scans share the flat-field reference: over 200 seeds the mean χ² scatters by 0.13 around 1.01.
        Assert.InRange(meanChi2, 0.5, 1.6);
        Assert.All(profiles, p => Assert.InRange(Math.Abs(p.ConcentrationM - Truth(p.TimeMin, p.PositionMm)), 0, 5 * p.ConcentrationErrM));
    }

    [Fact]
    public void Optical_constants_beamtime_round_trips_through_the_files()
    {
        using var beamtime = new TempBeamtime();
        WriteScans(beamtime, 5, blank: 0.3);
        beamtime.WriteXam("calibration.json", """
            { "reference_time_min": 0.0, "initial_concentration_M": 1.87,
              "thickness_cm": 0.1, "mass_attenuation_LiTFSI_cm2_per_g": 10.0, "mass_attenuation_PEO_cm2_per_g": 2.5,
              "V_salt_cm3_per_mol": 134.9, "V_EO_cm3_per_mol": 40.0 }
            """);

        var result = XamBeamtime.Process(beamtime.Root);

        Assert.Equal("t0000", result.ReferenceScanName);
        Assert.Equal(4, result.ScanCount);
        Assert.Equal(beamtime.Xam("profiles.csv"), result.OutputPath);
        Assert.Empty(result.Conversion.Rejected);
        var written = XamProfilesCsv.Read(result.OutputPath);
        AssertRecovered(written);
        Assert.Equal(result.Conversion.Profiles.Select(p => p.ConcentrationM), written.Select(p => p.ConcentrationM)); // exact round trip
        Assert.Empty(Directory.EnumerateFiles(beamtime.XamDirectory, "*.tmp"));

        // A second run does not mistake the profiles.csv it wrote for a scan.
        var again = XamBeamtime.Process(beamtime.Root);
        Assert.Equal(4, again.ScanCount);
        Assert.Equal(File.ReadAllText(result.OutputPath), string.Join("\n", new[] { "time_min,position_mm,concentration_M,concentration_err_M" }
            .Concat(again.Conversion.Profiles.Select(p => string.Join(',', new[] { p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM }
                .Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))))) + "\n");
    }

    [Fact]
    public void A_position_repeated_in_a_scan_is_refused_naming_both_lines_unless_averaging_is_asked_for()
    {
        using var beamtime = new TempBeamtime();
        WriteScans(beamtime, 7, blank: 0.3);
        string scan = beamtime.Xam("t0480.csv");
        var lines = File.ReadAllLines(scan).ToList();
        lines.Add(lines[4]);   // the fourth raster point (line 5) measured again at the end
        File.WriteAllLines(scan, lines);
        const string Optical = "\"thickness_cm\": 0.1, \"mass_attenuation_LiTFSI_cm2_per_g\": 10.0, \"mass_attenuation_PEO_cm2_per_g\": 2.5";
        beamtime.WriteXam("calibration.json", $"{{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, {Optical} }}");

        var refused = Assert.Throws<DataContractException>(() => XamBeamtime.Process(beamtime.Root));
        Assert.Equal(scan, refused.Source);
        Assert.Contains($"lines 5 and {lines.Count}:", refused.Message);
        Assert.Contains("average_repeated_positions", refused.Message);
        Assert.False(File.Exists(beamtime.Xam("profiles.csv")));

        beamtime.WriteXam("calibration.json", $"{{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, {Optical}, \"average_repeated_positions\": true }}");
        var averaged = XamBeamtime.Process(beamtime.Root);
        Assert.Equal(1, averaged.Conversion.Scans.Single(s => s.Name == "t0480").RepeatedPointCount);
        Assert.Equal(TimesMin.Length * Positions.Length, averaged.Conversion.Profiles.Count);
    }

    [Fact]
    public void Salt_conservation_beamtime_writes_to_the_requested_file()
    {
        using var beamtime = new TempBeamtime();
        WriteScans(beamtime, 6, blank: 0.25);
        beamtime.WriteXam("calibration.json", """
            { "reference_time_min": 0, "initial_concentration_M": 1.87, "calibrate_by_salt_conservation": true,
              "blank_absorbance": 0.25 }
            """);
        string output = Path.Combine(beamtime.Root, "out", "profiles.csv");

        var result = XamBeamtime.Process(beamtime.Root, output);

        Assert.Equal(output, result.OutputPath);
        Assert.False(File.Exists(beamtime.Xam("profiles.csv")));
        AssertRecovered(XamProfilesCsv.Read(output));
        foreach (var scan in result.Conversion.Scans) Assert.Equal(CBar, scan.MeanConcentrationM, 9);
    }

    [Fact]
    public void A_missing_reference_scan_is_a_contract_error()
    {
        using var beamtime = new TempBeamtime();
        WriteScans(beamtime, 7, blank: 0.3);
        beamtime.WriteXam("calibration.json", """{ "reference_time_min": 30, "initial_concentration_M": 1.87, "calibrate_by_salt_conservation": true }""");
        var ex = Assert.Throws<DataContractException>(() => XamBeamtime.Process(beamtime.Root));
        Assert.Contains("calibration.json", ex.Message);
        Assert.Contains("no scan covers reference_time_min = 30", ex.Message);
    }

    [Fact]
    public void A_missing_calibration_file_is_a_contract_error()
    {
        using var beamtime = new TempBeamtime();
        WriteScans(beamtime, 8, blank: 0.3);
        var ex = Assert.Throws<DataContractException>(() => XamBeamtime.Process(beamtime.Root));
        Assert.Contains("calibration.json", ex.Source);
    }
}
