using System.Text.Json.Nodes;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Tests.Manifests;

public class SeriesManifestTests
{
    private const string Source = "raw/steinrueck2020/xpcs/x-0.15_t0300/series.json";

    /// <summary>The series.json of DATA_CONTRACT section 1.1, verbatim.</summary>
    internal const string ContractExample = """
        {
          "schema": "cloudxpcs.series/1",
          "beamtime": "steinrueck2020",
          "series": "x-0.15_t0300",
          "frames": 4096,
          "chunks": 4,
          "frame_time_s": 0.2,
          "position_mm": -0.15,
          "polarization_time_min": 300.0,
          "detector": {
            "rows": 512, "cols": 512,
            "pixel_size_m": 75e-6,
            "distance_m": 8.0,
            "beam_center_row": 256.0, "beam_center_col": -40.0,
            "energy_keV": 10.9
          },
          "flow_axis_deg": 0.0,
          "mask": null,
          "qmap": { "q_min_inv_A": 0.0029, "q_max_inv_A": 0.0192, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4 },
          "multitau": { "delays_per_level": 4 }
        }
        """;

    [Fact]
    public void ParsesTheContractExample()
    {
        var m = SeriesManifest.Parse(ContractExample, Source);
        Assert.Equal("steinrueck2020", m.Beamtime);
        Assert.Equal("x-0.15_t0300", m.Series);
        Assert.Equal(4096, m.Frames);
        Assert.Equal(4, m.Chunks);
        Assert.Equal(0.2, m.FrameTimeS);
        Assert.Equal(-0.15, m.PositionMm);
        Assert.Equal(300.0, m.PolarizationTimeMin);
        Assert.Equal(new DetectorGeometry(512, 512, 75e-6, 8.0, 256.0, -40.0, 10.9), m.Detector);
        Assert.Equal(0.0, m.FlowAxisDeg);
        Assert.Null(m.MaskPath);
        Assert.Equal(new QMapSpec(0.0029, 0.0192, 9, 18, 4), m.QMap);
        Assert.Equal(4, m.DelaysPerLevel);
        Assert.Equal(512 * 512, m.PixelsPerFrame);
    }

    [Fact]
    public void BuildQMapUsesTheManifestsGeometryBinningAndFlowAxis()
    {
        var m = SeriesManifest.Parse(ContractExample, Source) with { FlowAxisDeg = 30.0 };
        var qmap = m.BuildQMap();
        Assert.Same(m.Detector, qmap.Geometry);
        Assert.Equal(m.QMap, qmap.Spec);
        Assert.Equal(30.0, qmap.FlowAxisDeg);
        Assert.Equal(512 * 512, qmap.PixelCount);
    }

    [Fact]
    public void QmapAndMultitauDefaultToTheContractValues()
    {
        var json = JsonNode.Parse(ContractExample)!.AsObject();
        json.Remove("qmap");
        json.Remove("multitau");
        var m = SeriesManifest.Parse(json.ToJsonString(), Source);
        Assert.Equal(new QMapSpec(), m.QMap);
        Assert.Equal(new QMapSpec(0.0029, 0.0192, 9, 18, 4), m.QMap);
        Assert.Equal(4, m.DelaysPerLevel);
    }

    [Fact]
    public void PartialQmapKeepsTheOtherDefaults()
    {
        var json = JsonNode.Parse(ContractExample)!.AsObject();
        json["qmap"] = new JsonObject { ["q_bins"] = 3 };
        json["multitau"] = new JsonObject();
        var m = SeriesManifest.Parse(json.ToJsonString(), Source);
        Assert.Equal(new QMapSpec(QBins: 3), m.QMap);
        Assert.Equal(4, m.DelaysPerLevel);
    }

    [Fact]
    public void UnknownTopLevelFieldsAreAcceptedForForwardCompatibility()
    {
        var json = JsonNode.Parse(ContractExample)!.AsObject();
        json["sample"] = new JsonObject { ["name"] = "PEO-LiTFSI" };
        Assert.Equal(SeriesManifest.Parse(ContractExample, Source), SeriesManifest.Parse(json.ToJsonString(), Source));
    }

    [Fact]
    public void ARelativeMaskPathIsKept()
    {
        var json = JsonNode.Parse(ContractExample)!.AsObject();
        json["mask"] = "masks/mask.h5";
        Assert.Equal("masks/mask.h5", SeriesManifest.Parse(json.ToJsonString(), Source).MaskPath);
    }

    [Fact]
    public void ToJsonRoundTrips()
    {
        var m = SeriesManifest.Parse(ContractExample, Source) with { MaskPath = "mask.h5", FlowAxisDeg = 12.5, DelaysPerLevel = 8, QMap = new QMapSpec(0.001, 0.01, 5, 6, 2) };
        var back = SeriesManifest.Parse(m.ToJson(), Source);
        Assert.Equal(m, back);
    }

    [Fact]
    public void SaveAndLoadRoundTripsThroughAFile()
    {
        using var folder = new TempFolder();
        var m = SeriesManifest.Parse(ContractExample, Source);
        string path = folder.File(SeriesManifest.FileName);
        m.Save(path);
        Assert.Equal(m, SeriesManifest.Load(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void EvenChunkFramesCoverTheSeriesContiguously()
    {
        var m = SeriesManifest.Parse(ContractExample, Source) with { Frames = 10, Chunks = 3 };
        Assert.Equal((0, 3), m.EvenChunkFrames(0));
        Assert.Equal((3, 3), m.EvenChunkFrames(1));
        Assert.Equal((6, 4), m.EvenChunkFrames(2));
    }

    [Fact]
    public void ChunkFileNamesHaveFiveDigits()
    {
        Assert.Equal("chunk-00000.h5", SeriesManifest.ChunkFileName(0));
        Assert.Equal("chunk-00042.h5", SeriesManifest.ChunkFileName(42));
    }

    public static TheoryData<string, string, string> MalformedManifests()
    {
        static string Edit(Action<JsonObject> edit)
        {
            var json = JsonNode.Parse(ContractExample)!.AsObject();
            edit(json);
            return json.ToJsonString();
        }
        static JsonObject Detector(JsonObject json) => json["detector"]!.AsObject();

        static string Nested(int depth) => ContractExample.Replace("\"flow_axis_deg\"", $"\"extra\": {new string('[', depth)}{new string(']', depth)}, \"flow_axis_deg\"");
        return new TheoryData<string, string, string>
        {
            { "not json", "{ \"schema\": ", "not valid JSON" },
            { "trailing garbage", ContractExample + " x", "not valid JSON" },
            { "root is an array", "[1, 2]", "must be a JSON object (got an array)" },
            { "nesting deeper than 16", Nested(20), "not valid JSON: The maximum configured depth of 16 has been exceeded" },
            { "very deep nesting", Nested(100_000), "not valid JSON" },
            { "unknown schema", Edit(j => j["schema"] = "cloudxpcs.series/2"), "unknown schema \"cloudxpcs.series/2\"" },
            { "schema missing", Edit(j => j.Remove("schema")), "missing required field 'schema'" },
            { "frames missing", Edit(j => j.Remove("frames")), "missing required field 'frames'" },
            { "frames is a string", Edit(j => j["frames"] = "4096"), "field 'frames' must be an integer (got a string)" },
            { "frames is fractional", Edit(j => j["frames"] = 4096.5), "field 'frames' must be an integer" },
            { "frames is huge", Edit(j => j["frames"] = JsonNode.Parse("1e30")), "field 'frames' must be an integer in the 32-bit range" },
            { "frames is zero", Edit(j => j["frames"] = 0), "field 'frames' must be positive (got 0)" },
            { "chunks is negative", Edit(j => j["chunks"] = -1), "field 'chunks' must be positive (got -1)" },
            { "chunks exceed frames", Edit(j => { j["frames"] = 3; j["chunks"] = 4; }), "field 'chunks' (4) must not exceed 'frames' (3)" },
            { "frame time is zero", Edit(j => j["frame_time_s"] = 0), "field 'frame_time_s' must be positive" },
            { "frame time is negative", Edit(j => j["frame_time_s"] = -0.2), "field 'frame_time_s' must be positive" },
            { "frame time is null", Edit(j => j["frame_time_s"] = null), "field 'frame_time_s' must be a number (got null)" },
            { "number overflows double", Edit(j => j["position_mm"] = JsonNode.Parse("1e999")), "field 'position_mm' must be a finite number" },
            { "detector missing", Edit(j => j.Remove("detector")), "missing required field 'detector'" },
            { "detector is a number", Edit(j => j["detector"] = 5), "field 'detector' must be an object (got a number)" },
            { "rows fractional", Edit(j => Detector(j)["rows"] = 512.5), "field 'detector.rows' must be an integer" },
            { "cols zero", Edit(j => Detector(j)["cols"] = 0), "'detector.cols' must be positive" },
            { "energy zero", Edit(j => Detector(j)["energy_keV"] = 0), "energy_keV must be positive" },
            { "unknown detector field", Edit(j => Detector(j)["pixel_size"] = 1), "unknown field 'detector.pixel_size'" },
            { "absurd series size", Edit(j => { j["frames"] = 2_000_000_000; Detector(j)["rows"] = 4096; Detector(j)["cols"] = 4096; }), "pixel values, more than the limit" },
            { "absurd detector", Edit(j => { Detector(j)["rows"] = 100_000; Detector(j)["cols"] = 100_000; }), "pixels, more than the limit" },
            { "qmap q range reversed", Edit(j => j["qmap"]!["q_max_inv_A"] = 0.001), "q_min_inv_A < q_max_inv_A" },
            { "qmap typo", Edit(j => j["qmap"]!["q_bin"] = 3), "unknown field 'qmap.q_bin'" },
            { "delays per level zero", Edit(j => j["multitau"]!["delays_per_level"] = 0), "'multitau.delays_per_level' must be between 1 and 1024 (got 0)" },
            { "mask absolute", Edit(j => j["mask"] = "/etc/mask.h5"), "field 'mask' must be relative to the series folder, not absolute" },
            { "mask escapes", Edit(j => j["mask"] = "masks/../../other/mask.h5"), "field 'mask' must not contain '..'" },
            { "mask backslash", Edit(j => j["mask"] = "masks\\mask.h5"), "field 'mask' must use '/' as separator" },
            { "mask is a number", Edit(j => j["mask"] = 3), "field 'mask' must be a string (got a number)" },
            { "mask missing", Edit(j => j.Remove("mask")), "missing required field 'mask'" },
            { "series name with slash", Edit(j => j["series"] = "a/b"), "field 'series' must not contain '/'" },
            { "duplicate field", ContractExample.Replace("\"frames\": 4096,", "\"frames\": 4096, \"frames\": 4095,"), "duplicate field 'frames'" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedManifests))]
    public void MalformedManifestsFailWithTheFileAndTheProblem(string kind, string json, string problem)
    {
        Assert.NotNull(kind);
        ContractAssert.Throws(Source, () => SeriesManifest.Parse(json, Source), problem);
    }

    [Fact]
    public void TheSizeLimitIsConfigurable()
    {
        var small = new SeriesManifestLimits(MaxPixelsPerFrame: 1L << 26, MaxPixelValuesPerSeries: 1_000_000);
        ContractAssert.Throws(Source, () => SeriesManifest.Parse(ContractExample, Source, small),
            "4096 x 512 x 512", "more than the limit of 1000000");
    }

    [Fact]
    public void LoadNamesAMissingFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("series.json");
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "file not found");
    }

    [Fact]
    public void LoadRefusesAHugeFileBeforeParsingIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("series.json");
        File.WriteAllText(path, new string(' ', 2 << 20) + ContractExample);
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "more than the");
    }
}
