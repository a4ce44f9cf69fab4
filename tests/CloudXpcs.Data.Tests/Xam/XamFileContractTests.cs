using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Tests.Xam;

public class XamFileContractTests
{
    [Fact]
    public void Scan_csv_reads_columns_by_name()
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.WriteXam("s.csv", "it,time_min,position_mm,i0,comment\n1000,0,-0.5,2000,x\n\n900,0.5,0.5,2100,y\n");
        var scan = XamScanCsv.Read(path);
        Assert.Equal("s", scan.Name);
        Assert.Equal([new XamPoint(0, -0.5, 2000, 1000), new XamPoint(0.5, 0.5, 2100, 900)], scan.Points);
    }

    [Theory]
    [InlineData("time_min,position_mm,i0\n0,0,1\n", "line 1: missing column it")]
    [InlineData("time_min,position_mm,i0,it\n0,0,2,1\n0,0.1,abc,2\n", "line 3: column i0: non-numeric cell 'abc'")]
    [InlineData("time_min,position_mm,i0,it\n0,0,100,160\n", "line 2: it (160) exceeds i0 (100)")]
    [InlineData("time_min,position_mm,i0,it\n0,0,1e37,1e36\n", "line 2: counts i0 = 1E+37")]
    [InlineData("time_min,position_mm,i0,it\n0,0,100,50\n300,0.1,100,50\n", "one scan holds one time")]
    [InlineData("time_min,position_mm,i0,it\n0,\"0,1\",100,50\n", "column position_mm: non-numeric cell '0,1'")]
    [InlineData("time_min,position_mm,i0,it\n0,\"0\n", "malformed CSV")]
    [InlineData("time_min,position_mm,i0,it\n0,NaN,1,2\n", "line 2: column position_mm: NaN is not a finite number")]
    [InlineData("time_min,position_mm,i0,it\n0,0,1,\n", "line 2: column it: non-numeric cell ''")]
    [InlineData("time_min,position_mm,i0,it\n0,0,1\n", "line 2: 3 cells, expected at least 4")]
    [InlineData("time_min,position_mm,i0,it\n", "no raster points")]
    [InlineData("", "empty file")]
    public void Bad_scan_csv_names_file_line_and_problem(string text, string problem)
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.WriteXam("bad.csv", text);
        var ex = Assert.Throws<DataContractException>(() => XamScanCsv.Read(path));
        Assert.Equal(path, ex.Source);
        Assert.Contains(problem, ex.Problem);
    }

    [Fact]
    public void Non_positive_counts_are_read_and_left_to_the_conversion_to_reject()
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.WriteXam("s.csv", "time_min,position_mm,i0,it\n0,0,0,100\n0,0.1,100,-1\n");
        Assert.Equal(2, XamScanCsv.Read(path).Points.Count);
    }

    [Theory]
    [InlineData("{ \"initial_concentration_M\": 1.87, \"calibrate_by_salt_conservation\": true }", "missing \"reference_time_min\"")]
    [InlineData("{ \"reference_time_min\": 0, \"calibrate_by_salt_conservation\": true }", "missing \"initial_concentration_M\"")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87 }", "missing \"thickness_cm\" (or set \"calibrate_by_salt_conservation\": true)")]
    [InlineData("{ \"reference_time_min\": \"zero\", \"initial_concentration_M\": 1.87 }", "\"reference_time_min\" must be a finite number")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"calibrate_by_salt_conservation\": \"yes\" }", "must be true or false")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": -1, \"calibrate_by_salt_conservation\": true }", "initial concentration must be finite and positive")]
    [InlineData("{ \"reference_time_min\": 0,\n  \"initial_concentration_M\": 1.87 oops }", "not valid JSON at line 2")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"initial_concentration_M\": 82000000, \"calibrate_by_salt_conservation\": true }", "duplicate key 'initial_concentration_M'")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"calibrate_by_salt_conservation\": true, \"flatfield\": false }", "unknown key 'flatfield'")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"calibrate_by_salt_conservation\": true, \"note\": \"x\" }", "unknown key 'note'")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"calibrate_by_salt_conservation\": true, \"thickness_cm\": 0.1 }", "the optical constant \"thickness_cm\" are both given")]
    [InlineData("{ \"reference_time_min\": 0, \"initial_concentration_M\": 1.87, \"thickness_cm\": 0.1, \"mass_attenuation_LiTFSI_cm2_per_g\": 10, \"mass_attenuation_PEO_cm2_per_g\": 2.5, \"blank_absorbance\": 0.1 }", "\"blank_absorbance\" belongs to the salt-conservation calibration")]
    public void Bad_calibration_json_names_the_problem(string json, string problem)
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.WriteXam("calibration.json", json);
        var ex = Assert.Throws<DataContractException>(() => XamCalibrationFile.Read(path));
        Assert.Equal(path, ex.Source);
        Assert.Contains(problem, ex.Problem);
    }

    [Fact]
    public void Calibration_json_with_optical_constants_and_errors()
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.WriteXam("calibration.json", """
            { "reference_time_min": 0.0, "initial_concentration_M": 1.87, "initial_concentration_err_M": 0.03,
              "thickness_cm": 0.1, "thickness_err_cm": 0.002,
              "mass_attenuation_LiTFSI_cm2_per_g": 10.0, "mass_attenuation_PEO_cm2_per_g": 2.5,
              "flat_field": false }
            """);
        var content = XamCalibrationFile.Read(path);
        Assert.Equal(0.0, content.ReferenceTimeMin);
        Assert.Equal(0.03, content.Settings.InitialConcentrationErrM);
        Assert.False(content.Settings.FlatField);
        var optical = Assert.IsType<XamCalibration.ByOpticalConstants>(content.Settings.Calibration);
        Assert.Equal(0.1, optical.Constants.ThicknessCm);
        Assert.Equal(0.02, optical.Constants.SensitivityRelErr, 12);
        Assert.Equal(40.0, optical.Constants.Volumes.EoCm3PerMol, 1); // the study's default volumes
    }

    [Fact]
    public void Profiles_csv_round_trips_exactly_and_refuses_negative_errors()
    {
        using var beamtime = new TempBeamtime();
        string path = beamtime.Xam("profiles.csv");
        var points = new[] { new ConcentrationPoint(0.1, -1.234567890123, 1.87 + 1e-13, 0.0123, 0.01), new ConcentrationPoint(1e5, 1.5, 2.5, 0, 0) };
        XamProfilesCsv.Write(path, points);
        Assert.StartsWith("time_min,position_mm,concentration_M,concentration_err_M\n0.1,-1.234567890123,", File.ReadAllText(path));
        var read = XamProfilesCsv.Read(path);
        Assert.Equal(points.Select(p => (p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)),
            read.Select(p => (p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)));

        File.WriteAllText(path, "time_min,position_mm,concentration_M,concentration_err_M\n0,0,1.8,-0.1\n");
        var ex = Assert.Throws<DataContractException>(() => XamProfilesCsv.Read(path));
        Assert.Contains("line 2: column concentration_err_M: negative error", ex.Problem);
    }
}
