using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>What <see cref="DetectorSeriesDescription.Describe"/> needs besides the files: names and the cell's state.</summary>
public sealed record SeriesLabels(string? Beamtime = null, string? Series = null, double PositionMm = 0, double PolarizationTimeMin = 0, double FlowAxisDeg = 0);

/// <summary>
/// Builds series.json for a series kept as the detector wrote it: the frames' files from the raw (or master) file,
/// geometry and frame time from the beamline's metadata file (or the Eiger master itself), and optionally a q-map of
/// the field's masking tools, used as is. series.json goes beside the raw file (the series folder, the upload unit);
/// a q-map file from elsewhere is copied in.
/// </summary>
public static class DetectorSeriesDescription
{
    public static (SeriesManifest Manifest, string ManifestPath) Describe(string rawPath, string? metadataPath, string? qmapPath, SeriesLabels labels)
    {
        string raw = Path.GetFullPath(rawPath);
        Data.Inputs.InputFile.RequireRegularFile(raw);
        string folder = Path.GetDirectoryName(raw)!;
        var acquisition = Acquisition.Of(raw);
        if (metadataPath is null && acquisition.Format != SeriesRawFiles.Hdf5)
            throw new DataContractException(raw, $"a {acquisition.Format} file carries no geometry: give the beamline's metadata file (--metadata)");
        var metadata = BeamlineMetadataFile.Read(metadataPath ?? raw);
        string? qmapName = null;
        if (qmapPath is not null)
        {
            string qmap = Path.GetFullPath(qmapPath);
            Data.Inputs.InputFile.RequireRegularFile(qmap);
            var read = MaskingToolQMapFile.Read(qmap);
            if (read.Rows != acquisition.Rows || read.Cols != acquisition.Cols)
                throw new DataContractException(qmap, $"the q-map is {read.Rows} x {read.Cols} pixels, the frames of {Path.GetFileName(raw)} {acquisition.Rows} x {acquisition.Cols}");
            qmapName = Path.GetFileName(qmap);
            string inFolder = Path.Combine(folder, qmapName);
            if (!string.Equals(Path.GetDirectoryName(qmap), folder, StringComparison.Ordinal))
            {
                if (File.Exists(inFolder) && !File.ReadAllBytes(inFolder).AsSpan().SequenceEqual(File.ReadAllBytes(qmap)))
                    throw new DataContractException(inFolder, $"already exists with other content than {qmap}");
                AtomicFile.Write(inFolder, temporary => File.Copy(qmap, temporary, overwrite: true));
            }
        }
        var manifest = new SeriesManifest
        {
            Beamtime = labels.Beamtime ?? Path.GetFileName(Path.GetDirectoryName(folder)) ?? "beamtime",
            Series = labels.Series ?? Path.GetFileName(folder),
            Frames = acquisition.Frames,
            Chunks = 0,
            Raw = new SeriesRawFiles(acquisition.Format, acquisition.Files, SeriesRawFiles.DefaultDataset),
            QMapFile = qmapName is null ? null : new SeriesQMapFile(qmapName),
            FrameTimeS = metadata.FrameTimeS,
            PositionMm = labels.PositionMm,
            PolarizationTimeMin = labels.PolarizationTimeMin,
            Detector = new DetectorGeometry(acquisition.Rows, acquisition.Cols, metadata.PixelSizeM, metadata.DistanceM,
                metadata.BeamCenterRow, metadata.BeamCenterCol, metadata.EnergyKeV),
            FlowAxisDeg = labels.FlowAxisDeg,
        };
        string manifestPath = Path.Combine(folder, SeriesManifest.FileName);
        manifest.Save(manifestPath);
        return (manifest, manifestPath);
    }

    /// <summary>The files, frames and frame size of a detector file, by its kind: .imm (IMM), .bin (Rigaku 500K), .bin.000 (the
    /// first of a Rigaku 3M's six module files, the others beside it), else HDF5 (one file, or a master with data files).</summary>
    private sealed record Acquisition(string Format, IReadOnlyList<string> Files, int Frames, int Rows, int Cols)
    {
        public static Acquisition Of(string raw)
        {
            string name = Path.GetFileName(raw);
            string? format = name.EndsWith(".imm", StringComparison.OrdinalIgnoreCase) ? SeriesRawFiles.Imm
                : name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) ? SeriesRawFiles.Rigaku500K
                : name.EndsWith(".bin.000", StringComparison.OrdinalIgnoreCase) ? SeriesRawFiles.Rigaku3M
                : null;
            if (format is null)
            {
                var hdf5 = DetectorHdf5Acquisition.Of(raw);
                return new Acquisition(SeriesRawFiles.Hdf5, hdf5.Files, hdf5.Frames, hdf5.Rows, hdf5.Cols);
            }
            IReadOnlyList<string> files = format == SeriesRawFiles.Rigaku3M
                ? Enumerable.Range(0, 6).Select(i => name[..^3] + i.ToString("000")).ToList()
                : [name];
            string folder = Path.GetDirectoryName(raw)!;
            var events = Data.Detectors.SparseDetectorSource.Open(format, files.Select(f => Path.Combine(folder, f)).ToList());
            return new Acquisition(format, files, events.Frames, events.Rows, events.Cols);
        }
    }
}
