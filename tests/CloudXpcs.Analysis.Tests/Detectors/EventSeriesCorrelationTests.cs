using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data;
using CloudXpcs.Data.Detectors;
using CloudXpcs.Data.Tests.Detectors;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Tests.Detectors;

/// <summary>
/// A detector file written by the independent numpy writer, correlated from its event lists, gives the g2 of numpy's
/// dense frames through the dense path, bit for bit.
/// </summary>
public sealed class EventSeriesCorrelationTests
{
    private static SeriesManifest Manifest(int rows, int cols, int frames)
    {
        var detector = new DetectorGeometry(rows, cols, 75e-6, 8.0, rows / 2.0 - 0.3, cols / 3.0, 10.9);
        double qMax = 0;
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) qMax = Math.Max(qMax, detector.QInvA(r, c));
        return new SeriesManifest
        {
            Beamtime = "b", Series = "s", Frames = frames, Chunks = 1, FrameTimeS = 0.01, PositionMm = 0, PolarizationTimeMin = 0,
            Detector = detector, FlowAxisDeg = 0, QMap = new QMapSpec(qMax * 0.1, qMax * 0.95, 3, 4, 2),
        };
    }

    [SkippableTheory]
    [InlineData("imm-sparse", "imm", 24, 20, 300, 0.01)]
    [InlineData("imm-dense", "imm", 24, 20, 100, 0.2)]
    [InlineData("rigaku-500k", "rigaku-500k", 512, 1024, 12, 0.002)]
    public void Events_from_the_file_give_the_g2_of_numpys_dense_frames(string writerFormat, string format, int rows, int cols, int frames, double mean)
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string path = temp.File(format == "imm" ? "s.imm" : "s.bin");
        var expected = SparseDetectorFileTests.Write(writerFormat, path, 21, frames, mean, rows.ToString(), cols.ToString());
        var dense = new ushort[(long)frames * rows * cols];
        for (int i = 0; i < expected.Events.Length; i += 3)
            dense[(long)expected.Events[i] * rows * cols + expected.Events[i + 1]] = (ushort)expected.Events[i + 2];
        var manifest = Manifest(rows, cols, frames);

        var fromFile = EventSeriesCorrelation.Correlate(SparseDetectorSource.Open(format, [path]), manifest, null, "series.json",
            new SeriesCorrelationOptions { BatchFrames = 64 });
        var map = SeriesCorrelation.BuildQMap(manifest, null, "series.json");
        using var correlator = new MultiTauCorrelator(map, frames, new MultiTauOptions { EventPathForSparseFrames = false });
        correlator.AddFrames<ushort>(dense);
        var reference = correlator.ToResult(manifest.FrameTimeS);

        Assert.Equal(reference.G2.Select(BitConverter.DoubleToInt64Bits), fromFile.G2.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(reference.G2Err.Select(BitConverter.DoubleToInt64Bits), fromFile.G2Err.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains(fromFile.G2, double.IsFinite);
    }

    [SkippableTheory]
    [InlineData("imm-sparse", "imm", "s.imm")]
    [InlineData("rigaku-500k", "rigaku-500k", "s.bin")]
    public void A_series_folder_naming_the_file_in_series_json_is_correlated_through_its_events(string writerFormat, string format, string name)
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string folder = temp.File("series");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        var written = SparseDetectorFileTests.Write(writerFormat, path, 5, 40, 0.01, format == "imm" ? "24" : "512", format == "imm" ? "20" : "1024");
        var manifest = Manifest(written.Rows, written.Cols, written.Frames) with { Chunks = 0, Raw = new SeriesRawFiles(format, [name], SeriesRawFiles.DefaultDataset) };
        manifest.Save(Path.Combine(folder, SeriesManifest.FileName));

        var fromFolder = SeriesCorrelation.Correlate(folder, new SeriesCorrelationOptions { BatchFrames = 16 });
        var direct = EventSeriesCorrelation.Correlate(SparseDetectorSource.Open(format, [path]), manifest, null, "series.json",
            new SeriesCorrelationOptions { BatchFrames = 16 });
        Assert.Equal(direct.G2.Select(BitConverter.DoubleToInt64Bits), fromFolder.G2.Select(BitConverter.DoubleToInt64Bits));
        Assert.Contains(fromFolder.G2, double.IsFinite);
    }

    [Fact]
    public void A_file_that_does_not_fit_its_series_is_refused_naming_it()
    {
        using var temp = new TempFolder();
        string path = temp.File("one.bin");
        File.WriteAllBytes(path, BitConverter.GetBytes((3UL << 40) | (5UL << 16) | 2));
        var ex = Assert.Throws<DataContractException>(() => EventSeriesCorrelation.Correlate(
            SparseDetectorSource.Open(SparseDetectorSource.Rigaku500kFormat, [path]), Manifest(512, 1024, 10), null, "series.json"));
        Assert.Equal(path, ex.Source);
        Assert.Contains("holds 4 frames", ex.Problem);
    }

    [Fact]
    public void The_file_is_opened_beside_the_correlator_setup_and_its_faults_still_come_first()
    {
        using var temp = new TempFolder();
        string path = temp.File("one.bin");
        File.WriteAllBytes(path, BitConverter.GetBytes((3UL << 40) | (5UL << 16) | 2));
        var tooSmall = new SeriesCorrelationOptions { Budget = new ResourceBudget(MaxMemoryBytes: 1) };
        string damaged = temp.File("cut.bin");
        File.WriteAllBytes(damaged, new byte[12]);
        CorrelationPartialSums Run(string file, int frames, SeriesCorrelationOptions? options) => EventSeriesCorrelation.CorrelatePartial(
            () => SparseDetectorSource.Open(SparseDetectorSource.Rigaku500kFormat, [file]), Manifest(512, 1024, frames), null, "series.json", options);

        Assert.Contains("truncated", Assert.Throws<DataContractException>(() => Run(damaged, 4, tooSmall)).Problem);
        Assert.Contains("holds 4 frames", Assert.Throws<DataContractException>(() => Run(path, 10, tooSmall)).Problem);
        Assert.Equal("series.json", Assert.Throws<DataContractException>(() => Run(path, 4, tooSmall)).Source);
        Assert.Equal(4, Run(path, 4, null).Frames);
    }
}
