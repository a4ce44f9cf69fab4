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
        var acquisition = DetectorHdf5Acquisition.Of(raw);
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
            Raw = new SeriesRawFiles(SeriesRawFiles.Hdf5, acquisition.Files, SeriesRawFiles.DefaultDataset),
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
}
