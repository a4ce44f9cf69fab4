using System.Text;
using System.Text.Json.Nodes;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace CloudXpcs.Pipeline.Tests.Support;

/// <summary>Where a bad case must leave its record.</summary>
public enum BadCaseRecord
{
    /// <summary>The series row and run.json: failed (or rejected series.json) with the reason.</summary>
    FailedSeries,
    /// <summary>The series row and run.json: incomplete, naming the missing chunk indices.</summary>
    IncompleteSeries,
    /// <summary>A row of the rejections table.</summary>
    Rejection,
    /// <summary>A failed step of the run in run.json and the run row.</summary>
    StepFailure,
}

/// <summary>One broken input: what it is, the series folder or blob it lives in, and the text its record must contain.</summary>
public sealed record BadCase(string Category, string Name, BadCaseRecord Record, string Blob, params string[] Expected)
{
    /// <summary>The series folder of a series case.</summary>
    public string Series => Blob.Split('/')[2];
}

/// <summary>
/// Writes broken copies of a good synthetic series into a beamtime folder, one series folder per case: damaged and
/// mismatched HDF5 chunks, hostile series.json files, a missing chunk, a deflate bomb; and lists the cases.
/// </summary>
public sealed class BadInputCorpus(string beamtimeFolder, string beamtime, string goodSeries)
{
    private readonly List<BadCase> _cases = [];
    private readonly SeriesManifest _good = SeriesManifest.Load(Path.Combine(beamtimeFolder, "xpcs", goodSeries, SeriesManifest.FileName));

    public IReadOnlyList<BadCase> Cases => _cases;

    /// <summary>Frames of chunk 1 of the good series (chunk 0 holds the first half).</summary>
    private (int First, int Count) Chunk1 => _good.EvenChunkFrames(1);

    private string Folder(string series) => Path.Combine(beamtimeFolder, "xpcs", series);

    private string Blob(string series, string file) => $"{beamtime}/xpcs/{series}/{file}";

    /// <summary>A copy of the good series under a new name (series.json names it), returning the folder.</summary>
    private string CopySeries(string series, Func<JsonObject, JsonObject>? editManifest = null)
    {
        string folder = Folder(series);
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Folder(goodSeries)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, SeriesManifest.FileName)))!.AsObject();
        json["series"] = series;
        File.WriteAllText(Path.Combine(folder, SeriesManifest.FileName), (editManifest?.Invoke(json) ?? json).ToJsonString());
        return folder;
    }

    private void Chunk(string category, string series, string what, Action<string> breakChunk1, params string[] expected)
    {
        string folder = CopySeries(series);
        breakChunk1(Path.Combine(folder, SeriesManifest.ChunkFileName(1)));
        _cases.Add(new BadCase(category, what, BadCaseRecord.FailedSeries, Blob(series, SeriesManifest.ChunkFileName(1)), expected));
    }

    private void Manifest(string category, string series, string what, Func<JsonObject, JsonObject> edit, params string[] expected)
    {
        CopySeries(series, edit);
        _cases.Add(new BadCase(category, what, BadCaseRecord.FailedSeries, Blob(series, SeriesManifest.FileName), expected));
    }

    private void ManifestText(string category, string series, string what, string text, params string[] expected)
    {
        string folder = CopySeries(series);
        File.WriteAllText(Path.Combine(folder, SeriesManifest.FileName), text);
        _cases.Add(new BadCase(category, what, BadCaseRecord.FailedSeries, Blob(series, SeriesManifest.FileName), expected));
    }

    private static H5File FramesFile(string datasetName, H5Dataset dataset) =>
        new() { ["entry"] = new H5Group { ["data"] = new H5Group { [datasetName] = dataset } } };

    private static H5Dataset Dataset(object data, ulong[] dims, object? firstFrame)
    {
        var dataset = new H5Dataset(data, fileDims: dims);
        if (firstFrame is not null) dataset.Attributes["first_frame"] = firstFrame;
        return dataset;
    }

    private float[] Chunk1Floats(int badIndex, float bad)
    {
        var values = new float[Chunk1.Count * _good.PixelsPerFrame];
        Array.Fill(values, 3f);
        values[badIndex] = bad;
        return values;
    }

    public BadInputCorpus WriteAll()
    {
        var (first, count) = Chunk1;
        int rows = _good.Rows, cols = _good.Cols, pixels = _good.PixelsPerFrame;
        const string Hdf5 = "HDF5 chunk";

        Chunk(Hdf5, "bad-truncated", "truncated to a third", p => File.WriteAllBytes(p, File.ReadAllBytes(p)[..(int)(new FileInfo(p).Length / 3)]),
            "not a readable HDF5 file");
        Chunk(Hdf5, "bad-random", "4 KiB of random bytes", p => { var b = new byte[4096]; new Random(42).NextBytes(b); File.WriteAllBytes(p, b); },
            "not a readable HDF5 file");
        Chunk(Hdf5, "bad-empty", "empty file", p => File.WriteAllBytes(p, []), "not a readable HDF5 file");
        Chunk(Hdf5, "bad-corrupt-deflate", "deflated frames with flipped bytes", p =>
        {
            var bytes = File.ReadAllBytes(p);
            for (int i = bytes.Length / 2; i < bytes.Length - 16; i += 7) bytes[i] ^= 0x5A;
            File.WriteAllBytes(p, bytes);
        }, "not a readable HDF5 file");
        Chunk(Hdf5, "bad-dataset-path", "frames at /entry/data/frames", p =>
            FramesFile("frames", Dataset(new ushort[count * pixels], [(ulong)count, (ulong)rows, (ulong)cols], (long)first)).Write(p),
            "dataset /entry/data/data not found");
        Chunk(Hdf5, "bad-shape", "frames of another shape", p =>
            ContractChunkWriter.Write<double>(p, new double[count * (rows + 1) * cols], rows + 1, cols, first),
            $"frames are {rows + 1} x {cols} pixels, series.json declares {rows} x {cols}");
        Chunk(Hdf5, "bad-2d", "a 2-D dataset", p =>
            FramesFile("data", Dataset(new ushort[count * pixels], [(ulong)count, (ulong)pixels], (long)first)).Write(p),
            "expected 3 dimensions");
        Chunk(Hdf5, "bad-dtype-f64", "float64 pixels", p =>
            FramesFile("data", Dataset(new double[count * pixels], [(ulong)count, (ulong)rows, (ulong)cols], (long)first)).Write(p),
            "unsupported dtype float64");
        Chunk(Hdf5, "bad-dtype-i64", "int64 pixels", p =>
            FramesFile("data", Dataset(new long[count * pixels], [(ulong)count, (ulong)rows, (ulong)cols], (long)first)).Write(p),
            "unsupported dtype int64");
        Chunk(Hdf5, "bad-first-frame", "first_frame off by one", p =>
            ContractChunkWriter.Write<double>(p, new double[count * pixels], rows, cols, first + 1),
            $"first_frame is {first + 1}, expected {first}");
        Chunk(Hdf5, "bad-no-first-frame", "no first_frame attribute", p =>
            FramesFile("data", Dataset(new ushort[count * pixels], [(ulong)count, (ulong)rows, (ulong)cols], null)).Write(p),
            "has no 'first_frame' attribute");
        Chunk(Hdf5, "bad-float-first-frame", "first_frame a float", p =>
            FramesFile("data", Dataset(new ushort[count * pixels], [(ulong)count, (ulong)rows, (ulong)cols], (double)first)).Write(p),
            "attribute 'first_frame' must be one integer");

        const string Frames = "frame count";
        Chunk(Frames, "bad-too-many-frames", "one frame more than series.json", p =>
            ContractChunkWriter.Write<double>(p, new double[(count + 1) * pixels], rows, cols, first),
            $"frame count mismatch: chunk holds frames {first}..{first + count}, but series.json declares {_good.Frames} frames");
        Chunk(Frames, "bad-too-few-frames", "one frame fewer than series.json", p =>
            ContractChunkWriter.Write<double>(p, new double[(count - 1) * pixels], rows, cols, first),
            $"frame count mismatch: chunks 0..1 hold {_good.Frames - 1} frames, series.json declares {_good.Frames}");
        _cases[^1] = _cases[^1] with { Blob = $"{beamtime}/xpcs/bad-too-few-frames" }; // a fault of the series, not of one chunk

        const string Values = "pixel values";
        Chunk(Values, "bad-nan", "a NaN pixel in float32 frames", p =>
            ContractChunkWriter.Write<float>(p, Chunk1Floats(pixels + 5, float.NaN), rows, cols, first, FrameDType.Float32), "not finite pixel value NaN");
        Chunk(Values, "bad-inf", "+inf pixel in float32 frames", p =>
            ContractChunkWriter.Write<float>(p, Chunk1Floats(7, float.PositiveInfinity), rows, cols, first, FrameDType.Float32), "not finite pixel value +inf");
        Chunk(Values, "bad-negative-float", "a negative float32 pixel", p =>
            ContractChunkWriter.Write<float>(p, Chunk1Floats(0, -2.5f), rows, cols, first, FrameDType.Float32), "negative pixel value -2.5");
        Chunk(Values, "bad-negative-int", "a negative int16 pixel", p =>
        {
            var values = new double[count * pixels];
            values[^1] = -3;
            ContractChunkWriter.Write<double>(p, values, rows, cols, first, FrameDType.Int16);
        }, "negative pixel value -3");

        const string Sizes = "absurd sizes";
        Chunk(Sizes, "bad-bomb-shape", "deflate bomb: 32 MiB frame chunks declared, 30 KiB stored", p => WriteDeflateBomb(p, first, 4096, 4096),
            "frames are 4096 x 4096 pixels, series.json declares");
        Chunk(Sizes, "bad-bomb-frames", "deflate bomb: 2^24 frames of the right shape declared", p => WriteDeflateBomb(p, first, rows, cols, 1 << 24),
            "frame count mismatch");
        Manifest(Sizes, "bad-huge-series", "frames x pixels over the limit", j =>
        {
            j["frames"] = 1 << 30;
            j["detector"]!["rows"] = 8192;
            j["detector"]!["cols"] = 8192;
            return j;
        }, "pixel values, more than the limit");
        Manifest(Sizes, "bad-huge-detector", "detector over the pixel limit", j =>
        {
            j["detector"]!["rows"] = 100_000;
            j["detector"]!["cols"] = 100_000;
            return j;
        }, "more than the limit");

        const string Json = "series.json";
        ManifestText(Json, "bad-json-syntax", "truncated JSON", "{\"schema\": \"cloudxpcs.series/1\", \"frames\": 6", "not valid JSON");
        Manifest(Json, "bad-json-type", "frames is a string", j => { j["frames"] = "many"; return j; }, "frames");
        Manifest(Json, "bad-json-1e308-int", "frames = 1e308", j => { j["frames"] = JsonValue.Create(1e308); return j; }, "frames");
        ManifestText(Json, "bad-json-overflow", "frame_time_s = 1e400", ReplaceField("frame_time_s", "1e400"), "frame_time_s");
        Manifest(Json, "bad-json-1e308-rows", "detector.rows = 1e308", j => { j["detector"]!["rows"] = 1e308; return j; }, "detector.rows");
        ManifestText(Json, "bad-json-deep", "10 000-deep nesting", "{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}", "not valid JSON");
        ManifestText(Json, "bad-json-2mb", "a 2 MB file", "{\"pad\":\"" + new string('x', 2 << 20) + "\"}", "more than the");
        Manifest(Json, "bad-json-unknown-field", "unknown field in detector", j => { j["detector"]!["pixel_size_mm"] = 0.075; return j; },
            "unknown field 'detector.pixel_size_mm'");
        Manifest(Json, "bad-json-mask-dotdot", "mask path with ..", j => { j["mask"] = "../bad-json-syntax/mask.h5"; return j; }, "field 'mask'");
        Manifest(Json, "bad-json-mask-absolute", "absolute mask path", j => { j["mask"] = "/etc/passwd"; return j; }, "field 'mask'");
        Manifest(Json, "bad-json-series-mismatch", "series.json names another series", j => { j["series"] = goodSeries; return j; },
            $"declares beamtime '{beamtime}' and series '{goodSeries}'");
        Manifest(Json, "bad-json-chunks", "more chunks than frames", j => { j["chunks"] = _good.Frames + 1; return j; }, "field 'chunks'");
        Manifest(Json, "bad-json-negative-frames", "negative frames", j => { j["frames"] = -5; return j; }, "field 'frames' must be positive");
        ManifestText(Json, "bad-json-array", "an array, not an object", "[1,2,3]", "must be a JSON object");

        string missing = CopySeries("bad-missing-chunk");
        File.Delete(Path.Combine(missing, SeriesManifest.ChunkFileName(1)));
        _cases.Add(new BadCase("missing chunk", "chunk 1 of 2 never uploaded", BadCaseRecord.IncompleteSeries,
            $"{beamtime}/xpcs/bad-missing-chunk/", "missing chunk 1 of 2"));
        return this;
    }

    private string ReplaceField(string field, string rawValue)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(goodSeries), SeriesManifest.FileName)))!.AsObject();
        json[field] = 12345.678;
        json["series"] = "bad-json-overflow";
        return json.ToJsonString().Replace("12345.678", rawValue, StringComparison.Ordinal);
    }

    /// <summary>
    /// A chunk whose header declares <paramref name="frames"/> × rows × cols deflated pixels in one-frame chunks, of which only
    /// the first frame is stored (zeros, a few KiB compressed): reading it would decompress and allocate the declared size.
    /// </summary>
    public static void WriteDeflateBomb(string path, long firstFrame, int rows, int cols, int frames = 2)
    {
        var dataset = new H5Dataset<ushort[]>(fileDims: [(ulong)frames, (ulong)rows, (ulong)cols], chunks: [1, (uint)rows, (uint)cols],
            datasetCreation: new H5DatasetCreation(Filters: [DeflateFilter.Id]));
        dataset.Attributes["first_frame"] = firstFrame;
        var file = FramesFile("data", dataset);
        using var writer = file.BeginWrite(path);
        writer.Write(dataset, new ushort[16], fileSelection: new HyperslabSelection(3, [0, 0, 0], [1, 1, 16]));
    }

    /// <summary>Makes the scan CSV lose a column or gain a non-numeric cell.</summary>
    public static void BreakXamCsv(string path, bool dropColumn)
    {
        var lines = File.ReadAllLines(path);
        if (dropColumn) lines = lines.Select(l => string.Join(',', l.Split(',')[..^1])).ToArray();
        else lines[2] = "abc" + lines[2][lines[2].IndexOf(',')..];
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
    }
}
