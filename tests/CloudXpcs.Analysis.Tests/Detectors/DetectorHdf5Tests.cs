using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Analysis.Tests.Detectors;

/// <summary>
/// Area-detector HDF5 files as Eiger and Lambda write them, made by an independent writer (h5py with hdf5plugin's
/// and Debian's filter plugins): every compression filter, odd chunkings, a master file whose data are external links
/// to data files. Frames must come back bit for bit, and correlate to exactly the g2 of the same frames as contract chunks.
/// </summary>
public class DetectorHdf5Tests
{
    /// <summary>argv: folder filter numpy_dtype frames rows cols data_files master(0/1) chunk_frames chunk_rows chunk_cols.
    /// Writes data_NNNNNN.h5 (and master.h5 linking to them), frames.ref (the frames as little-endian uint32) and a
    /// contract chunk folder contract/ with the same frames.</summary>
    private const string WriteScript = """
        import sys, os
        import numpy as np, h5py, hdf5plugin
        folder, name, dtype = sys.argv[1], sys.argv[2], sys.argv[3]
        frames, rows, cols, nfiles, master, cf, cr, cc = (int(a) for a in sys.argv[4:12])
        rng = np.random.default_rng(7)
        top = np.iinfo(dtype).max
        data = rng.poisson(0.7, (frames, rows, cols)).astype(np.int64)
        data[rng.random(data.shape) < 0.02] = top  # saturated pixels: the high bits and bytes are used
        data = data.astype(dtype)
        B = hdf5plugin.Blosc
        filters = {
            'none': {}, 'gzip_shuffle': {'compression': 'gzip', 'shuffle': True}, 'lzf': {'compression': 'lzf'},
            'lz4': hdf5plugin.LZ4(), 'bitshuffle_lz4': hdf5plugin.Bitshuffle(cname='lz4'),
            'bitshuffle_zstd': hdf5plugin.Bitshuffle(cname='zstd'), 'bitshuffle_none': hdf5plugin.Bitshuffle(cname='none'),
            'blosc_lz4_shuffle': B(cname='lz4', shuffle=B.SHUFFLE), 'blosc_zstd_bitshuffle': B(cname='zstd', shuffle=B.BITSHUFFLE),
            'blosc_lz4hc_noshuffle': B(cname='lz4hc', shuffle=B.NOSHUFFLE), 'blosc_zlib_shuffle': B(cname='zlib', shuffle=B.SHUFFLE),
            'blosc_blosclz': B(cname='blosclz', shuffle=B.SHUFFLE),
            'bzip2': hdf5plugin.BZip2() if hasattr(hdf5plugin, 'BZip2') else {'compression': 307},
        }[name]
        os.makedirs(os.path.join(folder, 'contract'), exist_ok=True)
        for k in range(nfiles):
            first, end = frames * k // nfiles, frames * (k + 1) // nfiles
            part = data[first:end]
            with h5py.File(os.path.join(folder, 'data_%06d.h5' % (k + 1)), 'w') as f:
                f.create_dataset('entry/data/data', data=part, chunks=(min(cf, len(part)), cr, cc), **filters)
            with h5py.File(os.path.join(folder, 'contract', 'chunk-%05d.h5' % k), 'w') as f:
                d = f.create_dataset('entry/data/data', data=part)
                d.attrs['first_frame'] = np.int64(first)
        if master:
            with h5py.File(os.path.join(folder, 'master.h5'), 'w') as f:
                g = f.create_group('entry/data')
                for k in range(nfiles):
                    g['data_%06d' % (k + 1)] = h5py.ExternalLink('data_%06d.h5' % (k + 1), '/entry/data/data')
        data.astype('<u4').tofile(os.path.join(folder, 'frames.ref'))
        """;

    private static readonly Lazy<bool> FilterPlugins = new(() =>
    {
        try { PythonH5py.Run("import hdf5plugin, h5py; assert h5py.h5z.filter_avail(32008) and h5py.h5z.filter_avail(32004) and h5py.h5z.filter_avail(32001)"); return true; }
        catch (Exception) { return false; }
    });

    private static void SkipIfNoPlugins()
    {
        PythonH5py.SkipIfUnavailable();
        Skip.IfNot(FilterPlugins.Value, $"{PythonH5py.Python} lacks hdf5plugin or the HDF5 filter plugins (Debian: python3-hdf5plugin, hdf5-filter-plugin, hdf5-filter-plugin-blosc-serial, bitshuffle)");
    }

    private static SeriesManifest RawManifest(int frames, int rows, int cols, IReadOnlyList<string> files, int chunks = 0) => TestSeries.Manifest(frames, 1, rows, cols) with
    {
        Chunks = chunks,
        Raw = chunks == 0 ? new SeriesRawFiles(SeriesRawFiles.Hdf5, files, SeriesRawFiles.DefaultDataset) : null,
    };

    private static string[] Write(TempFolder folder, string filter, string dtype, int frames, int rows, int cols, int files, bool master, (int F, int R, int C) chunk)
    {
        PythonH5py.Run(WriteScript, folder.Path, filter, dtype, $"{frames}", $"{rows}", $"{cols}", $"{files}", master ? "1" : "0", $"{chunk.F}", $"{chunk.R}", $"{chunk.C}");
        var names = Enumerable.Range(1, files).Select(k => $"data_{k:D6}.h5");
        return (master ? names.Prepend("master.h5") : names).ToArray();
    }

    private static uint[] ReadAll(ISeriesFrames source)
    {
        var all = new uint[source.Frames * source.PixelsPerFrame];
        // Odd batches: reads cross file and HDF5 chunk boundaries.
        for (int first = 0; first < source.Frames; first += 3)
        {
            int count = Math.Min(3, source.Frames - first);
            source.ReadFrames(first, count, all.AsSpan(first * source.PixelsPerFrame, count * source.PixelsPerFrame));
        }
        return all;
    }

    [SkippableTheory]
    [InlineData("none", "<u2")]
    [InlineData("gzip_shuffle", "<u4")]
    [InlineData("lzf", "<u2")]
    [InlineData("lz4", "<u4")]
    [InlineData("bitshuffle_lz4", "<u2")]
    [InlineData("bitshuffle_lz4", "<u4")]
    // Bitshuffle with Zstd (compression 3) is decoded too, but Debian's bitshuffle 0.3.5 plugin writes it without
    // compression while declaring 3, so no independent file exists here; Zstd is covered through Blosc.
    [InlineData("bitshuffle_none", "<u2")]
    [InlineData("blosc_lz4_shuffle", "<u2")]
    [InlineData("blosc_zstd_bitshuffle", "<u4")]
    [InlineData("blosc_lz4hc_noshuffle", "<u1")]
    [InlineData("blosc_zlib_shuffle", "<u4")]
    public void FramesOfEveryFilterAreReadBitForBit(string filter, string dtype)
    {
        SkipIfNoPlugins();
        using var folder = new TempFolder();
        const int frames = 13, rows = 37, cols = 29;
        var files = Write(folder, filter, dtype, frames, rows, cols, files: 2, master: true, chunk: (4, 16, 29));
        RawManifest(frames, rows, cols, files).Save(folder.File(SeriesManifest.FileName));
        using var source = SeriesFrames.Open(folder.Path);
        Assert.IsType<DetectorHdf5FrameSource>(source);
        var expected = new uint[frames * rows * cols];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(File.ReadAllBytes(folder.File("frames.ref"))).CopyTo(expected);
        Assert.Equal(expected, ReadAll(source));
    }

    [SkippableFact]
    public void RawFilesCorrelateToTheSameG2AsTheSameFramesInContractChunks()
    {
        SkipIfNoPlugins();
        using var folder = new TempFolder();
        const int frames = 40, rows = 16, cols = 16;
        var files = Write(folder, "bitshuffle_lz4", "<u4", frames, rows, cols, files: 3, master: true, chunk: (1, rows, cols));
        var raw = RawManifest(frames, rows, cols, files) with { QMap = new Science.Geometry.QMapSpec(0.0005, 0.004, 4, 2, 2) };
        raw.Save(folder.File(SeriesManifest.FileName));
        string contract = folder.File("contract");
        (raw with { Raw = null, Chunks = 3 }).Save(Path.Combine(contract, SeriesManifest.FileName));
        var fromRaw = SeriesCorrelation.Correlate(folder.Path, new SeriesCorrelationOptions { BatchFrames = 7, Threads = 1 });
        var fromChunks = SeriesCorrelation.Correlate(contract, new SeriesCorrelationOptions { BatchFrames = 7, Threads = 1 });
        Assert.Equal(fromChunks.G2, fromRaw.G2);
        Assert.Equal(fromChunks.G2Err, fromRaw.G2Err);
        Assert.Equal(fromChunks.Scattering2d, fromRaw.Scattering2d);
    }

    [SkippableFact]
    public void AnUnknownFilterIdIsNamedWithTheFile()
    {
        SkipIfNoPlugins();
        Skip.IfNot(PythonH5py.Run("import h5py, hdf5plugin; print(h5py.h5z.filter_avail(307))").Trim() == "True", "no bzip2 HDF5 filter plugin (Debian: hdf5-filter-plugin)");
        using var folder = new TempFolder();
        var files = Write(folder, "bzip2", "<u2", 4, 5, 6, files: 1, master: false, chunk: (1, 5, 6));
        RawManifest(4, 5, 6, files).Save(folder.File(SeriesManifest.FileName));
        ContractAssert.Throws(folder.File("data_000001.h5"), () => SeriesFrames.Open(folder.Path).Dispose(), "HDF5 filter id 307", "cannot decode");
    }

    [SkippableFact]
    public void BloscWithItsOwnBloscLzCodecIsRefusedByName()
    {
        SkipIfNoPlugins();
        using var folder = new TempFolder();
        var files = Write(folder, "blosc_blosclz", "<u2", 4, 16, 16, files: 1, master: false, chunk: (2, 16, 16));
        RawManifest(4, 16, 16, files).Save(folder.File(SeriesManifest.FileName));
        ContractAssert.Throws(folder.File("data_000001.h5"), () => SeriesFrames.Open(folder.Path).Dispose(), "BloscLZ");
    }

    [SkippableFact]
    public void AMasterLinkOutsideTheSeriesFolderIsRefusedByNameAndNotOpened()
    {
        SkipIfNoPlugins();
        using var folder = new TempFolder();
        var files = Write(folder, "none", "<u2", 4, 5, 6, files: 1, master: false, chunk: (1, 5, 6));
        string outside = Path.Combine(Path.GetTempPath(), $"cloudxpcs-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", outside)) mkfifo.WaitForExit();
        try
        {
            PythonH5py.Run("""
                import sys, h5py
                with h5py.File(sys.argv[1], 'w') as f:
                    f['entry/data/data'] = h5py.ExternalLink(sys.argv[2], '/entry/data/data')
                """, folder.File("master.h5"), outside);
            RawManifest(4, 5, 6, ["master.h5", .. files]).Save(folder.File(SeriesManifest.FileName));
            // A FIFO outside: opening it would block; the link is refused from its message alone.
            ContractAssert.Throws(folder.File("master.h5"), () => SeriesFrames.Open(folder.Path).Dispose(), "/entry/data/data is an external link to", "outside the series folder");
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [SkippableFact]
    public void AMasterWithoutItsDataFilesIsAnIncompleteSeries()
    {
        SkipIfNoPlugins();
        using var folder = new TempFolder();
        var files = Write(folder, "none", "<u2", 4, 5, 6, files: 2, master: true, chunk: (1, 5, 6));
        File.Delete(folder.File(files[2]));
        RawManifest(4, 5, 6, files).Save(folder.File(SeriesManifest.FileName));
        ContractAssert.Throws(folder.Path, () => SeriesFrames.Open(folder.Path).Dispose(), "incomplete series: missing raw file data_000002.h5");
    }

    [Theory]
    [InlineData("""{"format":"hdf5","files":["a.h5","a.h5"]}""", "names \"a.h5\" twice")]
    [InlineData("""{"format":"hdf5","files":["../a.h5"]}""", "plain names in the series folder")]
    [InlineData("""{"format":"tiff","files":["a.tif"]}""", "must be one of")]
    [InlineData("""{"format":"imm","files":["a.imm"],"dataset":"/x"}""", "applies to format \"hdf5\" only")]
    [InlineData("""{"format":"hdf5","files":[]}""", "names no file")]
    public void BadRawObjectsAreRefused(string rawJson, string fragment)
    {
        string json = TestSeries.Manifest().ToJson().Replace("\"chunks\": 3,", $"\"raw\": {rawJson},");
        ContractAssert.Throws("series.json", () => SeriesManifest.Parse(json, "series.json"), fragment);
    }

    [Fact]
    public void RawAndChunksTogetherAreRefused()
    {
        string json = TestSeries.Manifest().ToJson().Replace("\"chunks\": 3,", "\"chunks\": 3, \"raw\": {\"format\":\"hdf5\",\"files\":[\"a.h5\"]},");
        ContractAssert.Throws("series.json", () => SeriesManifest.Parse(json, "series.json"), "'chunks' must be absent");
    }

    [Theory]
    [InlineData("rigaku-500k")]
    [InlineData("rigaku-3m")]
    [InlineData("imm")]
    public void SparseFormatsParseAndAreDispatchedToTheEventPath(string format)
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest() with { Chunks = 0, Raw = new SeriesRawFiles(format, ["scan.bin"], SeriesRawFiles.DefaultDataset) };
        manifest.Save(folder.File(SeriesManifest.FileName));
        Assert.Equal(manifest.Raw, SeriesManifest.Load(folder.File(SeriesManifest.FileName)).Raw, new RawComparer());
        // Photon-event formats are not dense frames: the correlation takes them through their event path, which names a missing file.
        ContractAssert.Throws(folder.File("scan.bin"), () => SeriesFrames.Open(folder.Path).Dispose(), $"format '{format}' holds photon events");
        Assert.True(SeriesFrames.IsPhotonEventSeries(SeriesManifest.Load(folder.File(SeriesManifest.FileName))));
        ContractAssert.Throws(folder.File("scan.bin"), () => SeriesCorrelation.Correlate(folder.Path), "file not found");
    }

    private sealed class RawComparer : IEqualityComparer<SeriesRawFiles?>
    {
        public bool Equals(SeriesRawFiles? a, SeriesRawFiles? b) => a is not null && b is not null && a.Format == b.Format && a.Files.SequenceEqual(b.Files) && a.Dataset == b.Dataset;
        public int GetHashCode(SeriesRawFiles? r) => 0;
    }
}
