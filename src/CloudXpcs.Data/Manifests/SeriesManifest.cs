using System.Text;
using System.Text.Json;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// series.json of one XPCS series (DATA_CONTRACT section 1.1), parsed strictly and validated. Every problem
/// is reported as a one-line <see cref="DataContractException"/> naming the file and the field.
/// </summary>
public sealed record SeriesManifest
{
    public const string SchemaId = "cloudxpcs.series/1";
    public const string FileName = "series.json";

    /// <summary>The folder of a beamtime (and of a run's results) that holds one folder per series: xpcs/{series}/.</summary>
    public const string XpcsFolder = "xpcs";
    public const int DefaultDelaysPerLevel = 4;
    /// <summary>Largest manifest file accepted.</summary>
    public const long MaxManifestBytes = ManifestJson.MaxManifestBytes;

    public required string Beamtime { get; init; }
    public required string Series { get; init; }
    public required int Frames { get; init; }
    /// <summary>Contract chunks chunk-NNNNN.h5; 0 for a series whose frames are the detector's own files (<see cref="Raw"/>).</summary>
    public required int Chunks { get; init; }
    /// <summary>The detector's own files holding the frames ("raw"), or null for contract chunks.</summary>
    public SeriesRawFiles? Raw { get; init; }
    /// <summary>A q-map file of the field's masking tools used as is instead of <see cref="QMap"/>'s binning ("qmap_file"), or null.</summary>
    public SeriesQMapFile? QMapFile { get; init; }
    public required double FrameTimeS { get; init; }
    public required double PositionMm { get; init; }
    public required double PolarizationTimeMin { get; init; }
    public required DetectorGeometry Detector { get; init; }
    public required double FlowAxisDeg { get; init; }
    /// <summary>Mask file relative to the series folder ('/' separated), or null for "use every pixel".</summary>
    public string? MaskPath { get; init; }
    public QMapSpec QMap { get; init; } = new();
    public int DelaysPerLevel { get; init; } = DefaultDelaysPerLevel;
    /// <summary>"calibration_uncertainty" as given; null when absent (then <see cref="CalibrationUncertaintyOrDefault"/> holds the defaults).</summary>
    public CalibrationUncertainty? Calibration { get; init; }

    /// <summary>The q-calibration uncertainties: the given fields, the documented defaults for the others.</summary>
    public CalibrationUncertainty CalibrationUncertaintyOrDefault => Calibration ?? CalibrationUncertainty.DefaultFor(Detector);

    public int Rows => Detector.Rows;
    public int Cols => Detector.Cols;
    public int PixelsPerFrame => Detector.Rows * Detector.Cols;

    /// <summary>The q/χ map of this series (detector, qmap, flow axis), with the mask of <see cref="MaskPath"/> when given.</summary>
    public Science.Geometry.QMap BuildQMap(ReadOnlySpan<byte> mask = default) =>
        Science.Geometry.QMap.Build(Detector, QMap, FlowAxisDeg, mask);

    /// <summary>File name of chunk <paramref name="chunkIndex"/>: chunk-NNNNN.h5.</summary>
    public static string ChunkFileName(int chunkIndex) => $"chunk-{chunkIndex:D5}.h5";

    /// <summary>
    /// The frame range of a chunk when the frames are split as evenly as possible (what <c>SeriesFolderWriter</c>
    /// writes). Readers do not assume it: any contiguous split is valid.
    /// </summary>
    public (int FirstFrame, int FrameCount) EvenChunkFrames(int chunkIndex)
    {
        if (chunkIndex < 0 || chunkIndex >= Chunks) throw new ArgumentOutOfRangeException(nameof(chunkIndex));
        int first = (int)((long)Frames * chunkIndex / Chunks);
        int next = (int)((long)Frames * (chunkIndex + 1) / Chunks);
        return (first, next - first);
    }

    public static SeriesManifest Load(string path, SeriesManifestLimits? limits = null) =>
        Parse(ManifestJson.ReadManifestText(path), path, limits);

    /// <param name="source">File path or blob name used in error messages.</param>
    public static SeriesManifest Parse(string json, string source, SeriesManifestLimits? limits = null)
    {
        var (document, root) = ManifestJson.ParseRoot(json, source);
        using (document)
        {
            string schema = root.RequiredString("schema");
            if (schema != SchemaId)
                throw root.Error($"unknown schema \"{ManifestNames.Shorten(schema)}\" (expected \"{SchemaId}\")");
            if (root.Has(ResultSeriesManifest.ResultKey))
                throw root.Error($"describes a series given as a result file ('{ResultSeriesManifest.ResultKey}'), which has no frames to correlate: fit it (analyze-series on its folder)");

            root.RejectMisspeltFields("schema", "beamtime", "series", "frames", "chunks", "frame_time_s", "position_mm", "polarization_time_min",
                "detector", "flow_axis_deg", "mask", "qmap", "multitau", "calibration_uncertainty", SeriesRawFiles.Key, SeriesQMapFile.Key);
            var detector = root.RequiredObject("detector");
            detector.RejectUnknownFields("rows", "cols", "pixel_size_m", "distance_m", "beam_center_row", "beam_center_col", "energy_keV");
            var geometry = new DetectorGeometry(
                Rows: detector.RequiredInt("rows"),
                Cols: detector.RequiredInt("cols"),
                PixelSizeM: detector.RequiredDouble("pixel_size_m"),
                DistanceM: detector.RequiredDouble("distance_m"),
                BeamCenterRow: detector.RequiredDouble("beam_center_row"),
                BeamCenterCol: detector.RequiredDouble("beam_center_col"),
                EnergyKeV: detector.RequiredDouble("energy_keV"));

            var defaults = new QMapSpec();
            var qmapSpec = defaults;
            if (root.OptionalObject("qmap") is { } qmap)
            {
                qmap.RejectUnknownFields("q_min_inv_A", "q_max_inv_A", "q_bins", "phi_bins", "static_per_dynamic");
                qmapSpec = new QMapSpec(
                    QMinInvA: qmap.OptionalDouble("q_min_inv_A", defaults.QMinInvA),
                    QMaxInvA: qmap.OptionalDouble("q_max_inv_A", defaults.QMaxInvA),
                    QBins: qmap.OptionalInt("q_bins", defaults.QBins),
                    PhiBins: qmap.OptionalInt("phi_bins", defaults.PhiBins),
                    StaticPerDynamic: qmap.OptionalInt("static_per_dynamic", defaults.StaticPerDynamic));
            }

            int delaysPerLevel = DefaultDelaysPerLevel;
            if (root.OptionalObject("multitau") is { } multitau)
            {
                multitau.RejectUnknownFields("delays_per_level");
                delaysPerLevel = multitau.OptionalInt("delays_per_level", DefaultDelaysPerLevel);
            }

            CalibrationUncertainty? calibration = null;
            if (root.OptionalObject("calibration_uncertainty") is { } given)
            {
                given.RejectUnknownFields("distance_err_m", "energy_err_keV", "pixel_size_err_m", "beam_center_err_px");
                var d = CalibrationUncertainty.DefaultFor(geometry);
                calibration = new CalibrationUncertainty(given.OptionalDouble("distance_err_m", d.DistanceErrM),
                    given.OptionalDouble("energy_err_keV", d.EnergyErrKeV), given.OptionalDouble("pixel_size_err_m", d.PixelSizeErrM),
                    given.OptionalDouble("beam_center_err_px", d.BeamCenterErrPx));
            }

            var raw = root.OptionalObject(SeriesRawFiles.Key) is { } rawObject ? SeriesRawFiles.Parse(rawObject) : null;
            if (raw is not null && root.Has("chunks"))
                throw root.Error($"field 'chunks' must be absent when '{SeriesRawFiles.Key}' names the detector's files");
            var manifest = new SeriesManifest
            {
                Beamtime = root.RequiredString("beamtime"),
                Series = root.RequiredString("series"),
                Frames = root.RequiredInt("frames"),
                Chunks = raw is null ? root.RequiredInt("chunks") : 0,
                Raw = raw,
                QMapFile = root.Has(SeriesQMapFile.Key) ? SeriesQMapFile.Parse(root) : null,
                FrameTimeS = root.RequiredDouble("frame_time_s"),
                PositionMm = root.RequiredDouble("position_mm"),
                PolarizationTimeMin = root.RequiredDouble("polarization_time_min"),
                Detector = geometry,
                FlowAxisDeg = root.RequiredDouble("flow_axis_deg"),
                MaskPath = root.NullableString("mask"),
                QMap = qmapSpec,
                DelaysPerLevel = delaysPerLevel,
                Calibration = calibration,
            };
            manifest.Validate(source, limits);
            return manifest;
        }
    }

    /// <summary>Checks every value against the contract; throws <see cref="DataContractException"/> naming <paramref name="source"/>.</summary>
    public void Validate(string source, SeriesManifestLimits? limits = null)
    {
        limits ??= SeriesManifestLimits.Default;
        void Fail(string problem) => throw new DataContractException(source, problem);

        if (ManifestNames.SegmentProblem(Beamtime) is { } beamtimeProblem) Fail($"field 'beamtime' {beamtimeProblem} (got \"{ManifestNames.Shorten(Beamtime)}\")");
        if (ManifestNames.SegmentProblem(Series) is { } seriesProblem) Fail($"field 'series' {seriesProblem} (got \"{ManifestNames.Shorten(Series)}\")");
        if (Frames <= 0) Fail($"field 'frames' must be positive (got {Frames})");
        if (Raw is null && Chunks <= 0) Fail($"field 'chunks' must be positive (got {Chunks})");
        if (Raw is not null && Chunks != 0) Fail($"field 'chunks' must be absent when '{SeriesRawFiles.Key}' names the detector's files");
        if (Chunks > Frames) Fail($"field 'chunks' ({Chunks}) must not exceed 'frames' ({Frames}): every chunk holds at least one frame");
        if (!(FrameTimeS > 0) || !double.IsFinite(FrameTimeS)) Fail($"field 'frame_time_s' must be positive and finite (got {FrameTimeS:R})");
        // Delays are frame_time_s x lag and the fit works with their squares: keep the whole series within 1e12 s.
        if (FrameTimeS < 1e-9) Fail($"field 'frame_time_s' ({FrameTimeS:R}) is below 1 ns, shorter than any detector's frame");
        if (FrameTimeS * Frames > 1e12) Fail($"field 'frame_time_s' ({FrameTimeS:R}) x 'frames' ({Frames}) is {FrameTimeS * Frames:R} s, beyond the 1e12 s a series may span");
        if (!double.IsFinite(PositionMm)) Fail("field 'position_mm' must be finite");
        if (!double.IsFinite(PolarizationTimeMin)) Fail("field 'polarization_time_min' must be finite");
        if (!(Math.Abs(FlowAxisDeg) <= 360)) Fail($"field 'flow_axis_deg' must be finite and within ±360 deg (got {FlowAxisDeg:R})");
        if (Detector.Rows <= 0 || Detector.Cols <= 0) Fail($"fields 'detector.rows' and 'detector.cols' must be positive (got {Detector.Rows} x {Detector.Cols})");
        long pixelsPerFrame = (long)Detector.Rows * Detector.Cols;
        if (pixelsPerFrame > limits.MaxPixelsPerFrame)
            Fail($"detector {Detector.Rows} x {Detector.Cols} has {pixelsPerFrame} pixels, more than the limit of {limits.MaxPixelsPerFrame}");
        if (pixelsPerFrame * Frames > limits.MaxPixelValuesPerSeries)
            Fail($"frames x rows x cols = {Frames} x {Detector.Rows} x {Detector.Cols} = {pixelsPerFrame * Frames} pixel values, more than the limit of {limits.MaxPixelValuesPerSeries}");
        try
        {
            Detector.Validate();
            QMap.Validate();
            Calibration?.Validate(Detector);
        }
        catch (ArgumentException ex)
        {
            Fail(ex.Message);
        }
        if (DelaysPerLevel < 1 || DelaysPerLevel > 1024) Fail($"field 'multitau.delays_per_level' must be between 1 and 1024 (got {DelaysPerLevel})");
        if (MaskPath is not null && ManifestNames.RelativePathProblem(MaskPath) is { } maskProblem)
            Fail($"field 'mask' {maskProblem} (got \"{ManifestNames.Shorten(MaskPath)}\")");
    }

    /// <summary>series.json text with every field written out (defaults included).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", SchemaId);
            w.WriteString("beamtime", Beamtime);
            w.WriteString("series", Series);
            w.WriteNumber("frames", Frames);
            if (Raw is null) w.WriteNumber("chunks", Chunks);
            else Raw.Write(w);
            QMapFile?.Write(w);
            w.WriteNumber("frame_time_s", FrameTimeS);
            w.WriteNumber("position_mm", PositionMm);
            w.WriteNumber("polarization_time_min", PolarizationTimeMin);
            w.WriteStartObject("detector");
            w.WriteNumber("rows", Detector.Rows);
            w.WriteNumber("cols", Detector.Cols);
            w.WriteNumber("pixel_size_m", Detector.PixelSizeM);
            w.WriteNumber("distance_m", Detector.DistanceM);
            w.WriteNumber("beam_center_row", Detector.BeamCenterRow);
            w.WriteNumber("beam_center_col", Detector.BeamCenterCol);
            w.WriteNumber("energy_keV", Detector.EnergyKeV);
            w.WriteEndObject();
            w.WriteNumber("flow_axis_deg", FlowAxisDeg);
            if (MaskPath is null) w.WriteNull("mask"); else w.WriteString("mask", MaskPath);
            w.WriteStartObject("qmap");
            w.WriteNumber("q_min_inv_A", QMap.QMinInvA);
            w.WriteNumber("q_max_inv_A", QMap.QMaxInvA);
            w.WriteNumber("q_bins", QMap.QBins);
            w.WriteNumber("phi_bins", QMap.PhiBins);
            w.WriteNumber("static_per_dynamic", QMap.StaticPerDynamic);
            w.WriteEndObject();
            w.WriteStartObject("multitau");
            w.WriteNumber("delays_per_level", DelaysPerLevel);
            w.WriteEndObject();
            if (Calibration is { } c)
            {
                w.WriteStartObject("calibration_uncertainty");
                w.WriteNumber("distance_err_m", c.DistanceErrM);
                w.WriteNumber("energy_err_keV", c.EnergyErrKeV);
                w.WriteNumber("pixel_size_err_m", c.PixelSizeErrM);
                w.WriteNumber("beam_center_err_px", c.BeamCenterErrPx);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Validates, then writes series.json atomically (temporary name, then rename).</summary>
    public void Save(string path)
    {
        Validate(path);
        AtomicFile.WriteAllText(path, ToJson());
    }
}
