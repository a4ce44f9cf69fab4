using Azure.Storage.Blobs;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Transfer;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// Inputs of the independent hostile corpus of issue #18 (helper A) that were mishandled: a crash (internal error),
/// a memory or time bomb, a silently wrong result or an error line that did not name the offending file or option.
/// Each now ends with one line naming it, exit 2, and nothing written.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class UnseenCorpusRegressionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Exit 2, one line "error: OPTION..." and no output file.</summary>
    private static void AssertOptionRefused(CliResult run, string option, string output)
    {
        Assert.True(run.ExitCode == Program.ExitBadInput, run.ToString());
        var problems = run.StderrProblemLines;
        Assert.True(problems.Length == 1, run.ToString());
        Assert.StartsWith("error: " + option, problems[0]);
        Assert.False(File.Exists(output) || Directory.Exists(output), $"{output} was written");
    }

    // 1e9 cells or minutes exhausted memory (killed above 4 GB); 1e-9 min outputs crashed; the others were refused by the
    // model without naming the option, or (voltage 1e308, current 1e6) ended as an internal error.
    [Theory]
    [InlineData("--cells", "1000000000")]
    [InlineData("--cells", "0")]
    [InlineData("--minutes", "1e9")]
    [InlineData("--output-every-min", "1e-9")]
    [InlineData("--voltage-V", "NaN")]
    [InlineData("--voltage-V", "1e308")]
    [InlineData("--current-mA-cm2", "1e6")]
    [InlineData("--current-mA-cm2", "500")]
    [InlineData("--length-mm", "0")]
    [InlineData("--temperature-C", "-300")]
    [InlineData("--stripping-side", "0")]
    [InlineData("--initial-concentration-M", "-1")]
    [InlineData("--positions-mm", "5,-9")]
    public void SimulateCellRefusesAnAbsurdOptionNamingIt(string option, string value)
    {
        string output = _temp.File("sim.json");
        AssertOptionRefused(CliRun.Cloudxpcs("simulate-cell", "--set", "RS", "--out", output, option, value), option, output);
    }

    [Theory]
    [InlineData("--cells", "-5")]
    [InlineData("--current-rel-err", "NaN")]
    [InlineData("--current-rel-err", "0")]
    [InlineData("--window-min", "400,200")]
    public void CompareRefusesAnAbsurdOptionNamingIt(string option, string value)
    {
        string output = _temp.File("cmp");
        AssertOptionRefused(CliRun.Cloudxpcs("compare", "--beamtime", _temp.File("bt"), "--out", output, option, value), option, output);
    }

    [Theory]
    [InlineData("--concentration-M", "1e308")]
    [InlineData("--age-windows", "1000000")]
    public void AnalyzeSeriesRefusesAnAbsurdOptionNamingIt(string option, string value)
    {
        string series = _temp.File("series");
        SmallSeries.Write(series);
        string output = _temp.File("out");
        string[] twoTime = option == "--age-windows" ? ["--twotime"] : [];
        AssertOptionRefused(CliRun.Cloudxpcs(["analyze-series", "--series", series, "--out", output, option, value, .. twoTime]), option, output);
    }

    [Fact]
    public void DescribeRefusesAFlowAxisOf1e308()
    {
        // was written into series.json, where chi = phi - 1e308 has no digits left
        AssertOptionRefused(CliRun.Cloudxpcs("describe", "--raw", _temp.File("master.h5"), "--flow-axis-deg", "1e308"), "--flow-axis-deg", _temp.File("series.json"));
    }

    [Theory]
    [InlineData("--series", "../../evil")]
    [InlineData("--beamtime", "a/b")]
    public void DescribeRefusesANameThatIsAPath(string option, string value)
    {
        // was refused only when series.json was written, naming that file instead of the option
        AssertOptionRefused(CliRun.Cloudxpcs("describe", "--raw", _temp.File("master.h5"), option, value), option, _temp.File("series.json"));
    }

    [Fact]
    public void TwoTimeWithAStrideBeyondTheSeriesIsRefusedNamingTheOption()
    {
        // was refused naming series.json
        string series = _temp.File("s");
        Assert.Equal(0, CliRun.Cloudxpcs("simulate-series", "--out", series, "--frames", "64", "--binning", "64").ExitCode);
        string output = _temp.File("g2.h5");
        AssertOptionRefused(CliRun.Cloudxpcs("correlate", "--series", series, "--out", output, "--twotime", "--stride-frame", "1000000000"),
            "--stride-frame", output);
    }

    [Fact]
    public void SimulateBeamtimeWithNegativeFramesLeavesNothingBehind()
    {
        string output = _temp.File("bt");
        AssertOptionRefused(CliRun.Cloudxpcs("simulate-beamtime", "--out", output, "--frames", "-5"), "--frames", output);
    }

    [Theory]
    [InlineData("--binning", "0")]
    [InlineData("--frames", "1000000000")]
    [InlineData("--frame-time-s", "1e-320")]
    public void SimulateSeriesRefusesAnAbsurdOptionNamingIt(string option, string value)
    {
        string output = _temp.File("s");
        AssertOptionRefused(CliRun.Cloudxpcs("simulate-series", "--out", output, option, value), option, output);
    }

    [Fact]
    public void AFloat32ChunkWithCountsNearTheFloatLimitIsRefused()
    {
        // 3e38 counts overflowed the binned frames of the multi-tau levels: g2 was written NaN, exit 0
        string series = _temp.File("series");
        SmallSeries.Write(series, FrameDType.Float32);
        var (first, count) = SmallSeries.Manifest().EvenChunkFrames(1);
        var values = SmallSeries.FrameValues(first, count).Select(v => (float)v).ToArray();
        values[2 * SmallSeries.Rows * SmallSeries.Cols + 1] = 3e38f;
        ContractChunkWriter.Write<float>(SmallSeries.ChunkPath(series, 1), values, SmallSeries.Rows, SmallSeries.Cols, first,
            FrameDType.Float32, ChunkStorageLayout.Chunked);
        string output = _temp.File("g2.h5");
        var run = CliRun.Cloudxpcs("correlate", "--series", series, "--out", output);
        CliAssert.BadInput(run, SmallSeries.ChunkPath(series, 1), "pixel value 3E+38", "no photon count");
        Assert.False(File.Exists(output));
    }

    [SkippableFact]
    public void FitRefusesAG2FileWhoseDelaysDoNotIncreaseNamingIt()
    {
        // "error: delays must increase (Parameter 'delaysS')" named no file
        PythonH5py.SkipIfUnavailable();
        string series = _temp.File("series");
        SmallSeries.Write(series);
        string g2 = _temp.File("g2.h5");
        Assert.Equal(0, CliRun.Cloudxpcs("correlate", "--series", series, "--out", g2).ExitCode);
        PythonH5py.Run("import h5py, sys\nwith h5py.File(sys.argv[1], 'r+') as f:\n    d = f['/xpcs/cloudxpcs/delay_s']\n    d[...] = -d[()]", g2);
        string output = _temp.File("fit.json");
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--series", Path.Combine(series, SeriesManifest.FileName), "--out", output);
        CliAssert.BadInput(run, g2, "delays in seconds must be finite, positive and increasing");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AResultDocumentWithADuplicateKeyIsRefused()
    {
        // report read comparison.json holding "schema" twice, the last value silently
        string twice = $"{{\"schema\": \"{ComparisonDocument.SchemaId}\", \"schema\": \"{ComparisonDocument.SchemaId}\"}}";
        ContractAssert.Throws("comparison.json", () => ComparisonJson.Deserialize(twice, "comparison.json"), "duplicate key 'schema'");
    }

    [Fact]
    public void ABeamtimeVoltageOf1e308IsRefusedNamingBeamtimeJson()
    {
        // compare ended with an internal error (diffusion-limited at t = 0) that blamed cloudxpcs
        string json = "{\"schema\": \"cloudxpcs.beamtime/1\", \"beamtime\": \"b\", \"cell\": {\"length_mm\": 3, \"voltage_V\": 1e308, " +
                      "\"temperature_C\": 90, \"r_initial\": 0.1, \"initial_concentration_M\": 1.87}, \"stripping_electrode_side\": -1, \"transport_sets\": [\"RS\"]}";
        ContractAssert.Throws("beamtime.json", () => BeamtimeManifest.Parse(json, "beamtime.json"), "cell.voltage_V", "within ±10 V");
    }

    [Fact]
    public void AnXamCalibrationWithAnInitialConcentrationOf1e308IsRefused()
    {
        // xam wrote profiles of 1e308 M (mean "Infinity M"), exit 0
        string path = _temp.File("calibration.json");
        File.WriteAllText(path, "{\"reference_time_min\": 0.0, \"initial_concentration_M\": 1e308, \"thickness_cm\": 0.1, " +
                                "\"mass_attenuation_LiTFSI_cm2_per_g\": 17, \"mass_attenuation_PEO_cm2_per_g\": 3.5}");
        ContractAssert.Throws(path, () => XamCalibrationFile.Read(path), "initial concentration must be finite and positive, at most 20 M");
    }

    /// <summary>series.json of a small series with one field set to <paramref name="value"/>.</summary>
    private string SmallSeriesWith(string field, string value)
    {
        string series = _temp.File("series");
        SmallSeries.Write(series);
        string path = Path.Combine(series, SeriesManifest.FileName);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), $"\"{field}\": [^,\\n]+", $"\"{field}\": {value}"));
        return path;
    }

    [Fact]
    public void ASeriesFlowAxisOf1e308IsRefused()
    {
        string path = SmallSeriesWith("flow_axis_deg", "1e308");
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "flow_axis_deg", "within ±360 deg");
    }

    [Fact]
    public void ASeriesFrameTimeBelowOneNanosecondIsRefused()
    {
        // 1e-300 s was analysed: "not resolvable, minimum resolvable speed 2.7e300 A/s", exit 0
        string path = SmallSeriesWith("frame_time_s", "1e-300");
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "frame_time_s", "below 1 ns");
    }

    [Theory]
    [InlineData("symlink-out")]
    [InlineData("fifo")]
    public async Task UploadRefusesALinkOutOfTheFolderAndAFifoBeforeAnyTransfer(string kind)
    {
        // a chunk linked to a file outside the beamtime was uploaded; a FIFO hung the upload (420 s, killed)
        string folder = _temp.File("bt");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "chunk-00001.h5");
        if (kind == "fifo")
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [file])!;
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        else
        {
            File.WriteAllText(_temp.File("outside.h5"), "data");
            File.CreateSymbolicLink(file, _temp.File("outside.h5"));
        }
        // No storage listens at port 9: the file is refused before any request is made.
        var uploader = new BeamtimeUploader(new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/raw")));
        var refused = await Assert.ThrowsAsync<DataContractException>(() => uploader.UploadFileAsync(file, "bt/chunk-00001.h5"));
        Assert.Contains(kind == "fifo" ? "not a regular file" : "points outside its folder", refused.Message);
    }
}
