using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Tests.Detectors;

/// <summary>describe's parts: the beamline metadata file, a masking tool's q-map used as is, and series.json from both.</summary>
public class DetectorSeriesDescriptionTests
{
    private static readonly QMapSpec SmallSpec = new(0.0, 0.0004, 2, 2, 2);

    /// <summary>
    /// The q-map of a g2.h5 (the APS layout's /xpcs/qmap) given as qmap_file to a series whose frames are the
    /// detector's files: the correlation uses those bins as they are and gives the g2 of the original bins.
    /// </summary>
    [Fact]
    public void AQMapFileIsUsedAsIsAndReproducesTheBinsItDescribes()
    {
        using var folder = new TempFolder();
        string contract = folder.File("contract"), raw = folder.File("raw");
        Directory.CreateDirectory(contract);
        Directory.CreateDirectory(raw);
        var manifest = TestSeries.Manifest(frames: 40, chunks: 2, rows: 12, cols: 10) with { QMap = SmallSpec };
        TestSeries.WriteFolder(contract, manifest, FrameDType.UInt16, ChunkStorageLayout.Chunked);
        var original = SeriesCorrelation.CorrelateToFile(contract, Path.Combine(contract, "g2.h5"), new SeriesCorrelationOptions { Threads = 1 });
        foreach (var name in new[] { "chunk-00000.h5", "chunk-00001.h5", "g2.h5" }) File.Copy(Path.Combine(contract, name), Path.Combine(raw, name));
        (manifest with
        {
            Chunks = 0,
            Raw = new SeriesRawFiles(SeriesRawFiles.Hdf5, ["chunk-00000.h5", "chunk-00001.h5"], SeriesRawFiles.DefaultDataset),
            QMapFile = new SeriesQMapFile("g2.h5"),
            QMap = new QMapSpec(), // ignored: the file's bins are used
        }).Save(Path.Combine(raw, SeriesManifest.FileName));

        string importedG2 = folder.File("imported-g2.h5");
        var imported = SeriesCorrelation.CorrelateToFile(raw, importedG2, new SeriesCorrelationOptions { Threads = 1 });
        // Its g2.h5 given on its own cannot be fitted from a rebuilt equal-width q-map: refused, never fitted wrongly.
        ContractAssert.Throws(importedG2, () => G2FileQMapSource.ReadOrNull(importedG2)!.BuildQMap(), "was correlated with a q-map file");
        Assert.Equal(original.QMap.DynamicBinOfPixel, G2FileQMapSource.ReadOrNull(Path.Combine(contract, "g2.h5"))!.BuildQMap().DynamicBinOfPixel);

        var columns = G2QMapLayout.Of(original.QMap).ColumnBins;
        Assert.Equal(columns.Length, imported.QMap.DynamicBinCount);
        Assert.Equal(original.TauCount, imported.TauCount);
        for (int k = 0; k < columns.Length; k++)
        {
            Assert.Equal(original.QMap.QOfBin(columns[k]), imported.QMap.QOfBin(k), 12);
            Assert.Equal(original.QMap.DynamicPixelCounts[columns[k]], imported.QMap.DynamicPixelCounts[k]);
            for (int t = 0; t < original.TauCount; t++)
            {
                double a = original.G2[t * original.BinCount + columns[k]], b = imported.G2[t * imported.BinCount + k];
                Assert.True(Math.Abs(a - b) <= 1e-12 * Math.Abs(a), $"tau {t}, column {k}: {a:R} vs {b:R}");
            }
        }
    }

    [SkippableFact]
    public void TheQMapOfABeamlineResultFileIsReadAsIs()
    {
        string path = ApsResultFiles.PathOf(ApsResultFiles.Acquisition);
        var file = MaskingToolQMapFile.Read(path);
        Assert.Equal((1676, 2100, 36, 1), (file.Rows, file.Cols, file.QBins, file.PhiBins));
        var geometry = new DetectorGeometry(1676, 2100, 75e-6, 9.03, 841.5, 1677.5, 12.34);
        var qmap = file.BuildQMap(geometry, 0);
        Assert.Equal(file.QCentersInvA, qmap.QCentersInvA);
        Assert.True(qmap.BinnedPixelCount > 100_000);
    }

    [SkippableFact]
    public void DescribeTakesAnImmFileWithItsMetadataFileAndTheSeriesCorrelatesFromItsEvents()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        string series = folder.File("x0.50_t0010");
        Directory.CreateDirectory(series);
        string imm = Path.Combine(series, "scan.imm");
        var written = Data.Tests.Detectors.SparseDetectorFileTests.Write("imm-sparse", imm, 3, 30, 0.05, "24", "20");
        PythonH5py.Run("""
            import sys, h5py
            with h5py.File(sys.argv[1], 'w') as f:
                f['entry/instrument/incident_beam/incident_energy'] = 10.9
                g = f.create_group('entry/instrument/detector_1')
                g['distance'] = 8.0; g['x_pixel_size'] = 75e-6; g['frame_time'] = 0.01
                g['beam_center_x'] = 6.5; g['beam_center_y'] = 11.0
            """, folder.File("scan_metadata.hdf"));

        ContractAssert.Throws(imm, () => DetectorSeriesDescription.Describe(imm, null, null, new SeriesLabels()), "give the beamline's metadata file");
        var (manifest, path) = DetectorSeriesDescription.Describe(imm, folder.File("scan_metadata.hdf"), null, new SeriesLabels(Beamtime: "bt"));

        var loaded = SeriesManifest.Load(path);
        Assert.Equal((SeriesRawFiles.Imm, written.Frames, written.Rows, written.Cols), (loaded.Raw!.Format, loaded.Frames, loaded.Rows, loaded.Cols));
        Assert.Equal(["scan.imm"], loaded.Raw.Files);
        Assert.Equal(manifest.Detector, loaded.Detector);
        // The small test detector spans q ≈ 3e-4..9e-4 1/A, so a binning that covers it (series.json's default does not).
        var result = SeriesCorrelation.Correlate(series, new SeriesCorrelationOptions { Threads = 1, QMap = new QMapSpec(0.0003, 0.001, 2, 2, 2) });
        Assert.Contains(result.G2, double.IsFinite);
    }

    [SkippableFact]
    public void DescribeWritesSeriesJsonFromAMasterItsDataFilesAndTheMetadataFile()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        string series = folder.File("x1.50_t0030");
        Directory.CreateDirectory(series);
        PythonH5py.Run("""
            import sys, os, numpy as np, h5py
            d = sys.argv[1]
            for k, n in ((1, 5), (2, 3)):
                with h5py.File(os.path.join(d, 'scan_data_%06d.h5' % k), 'w') as f:
                    f.create_dataset('entry/data/data', data=np.ones((n, 12, 10), dtype='<u2'), chunks=(1, 12, 10), compression='lzf')
            with h5py.File(os.path.join(d, 'scan_master.h5'), 'w') as f:
                f['entry/data/data_000002'] = h5py.ExternalLink('scan_data_000002.h5', '/entry/data/data')
                f['entry/data/data_000001'] = h5py.ExternalLink('scan_data_000001.h5', '/entry/data/data')
            with h5py.File(sys.argv[2], 'w') as f:
                f['entry/instrument/incident_beam/incident_energy'] = 12.34
                g = f.create_group('entry/instrument/detector_1')
                g['distance'] = 9.03; g['x_pixel_size'] = 75e-6; g['frame_time'] = 2e-5
                g['beam_center_x'] = 4.5; g['beam_center_y'] = 6.25
            """, series, folder.File("scan_metadata.hdf"));

        var (manifest, path) = DetectorSeriesDescription.Describe(Path.Combine(series, "scan_master.h5"), folder.File("scan_metadata.hdf"), null,
            new SeriesLabels(Beamtime: "bt1", PositionMm: 1.5, PolarizationTimeMin: 30));

        Assert.Equal(Path.Combine(series, SeriesManifest.FileName), path);
        var loaded = SeriesManifest.Load(path);
        Assert.Equal(["scan_master.h5", "scan_data_000001.h5", "scan_data_000002.h5"], loaded.Raw!.Files);
        Assert.Equal((8, 12, 10), (loaded.Frames, loaded.Rows, loaded.Cols));
        Assert.Equal(new DetectorGeometry(12, 10, 75e-6, 9.03, 6.25, 4.5, 12.34), loaded.Detector);
        Assert.Equal((2e-5, "bt1", "x1.50_t0030", 1.5, 30.0), (loaded.FrameTimeS, loaded.Beamtime, loaded.Series, loaded.PositionMm, loaded.PolarizationTimeMin));
        using var frames = SeriesFrames.Open(series);
        Assert.Equal(8, frames.Frames);
        Assert.Equal(manifest.Raw!.Files, loaded.Raw.Files);
    }

    [SkippableFact]
    public void AFileWithoutBeamlineKeysIsNotAMetadataFile()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        PythonH5py.Run("import sys, h5py; h5py.File(sys.argv[1], 'w')['entry/x'] = 1.0", folder.File("m.hdf"));
        ContractAssert.Throws(folder.File("m.hdf"), () => BeamlineMetadataFile.Read(folder.File("m.hdf")), "is not a beamline metadata file");
    }
}
