using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>
/// Virtual datasets (detector master files, contract chunks) written by h5py's VirtualLayout: frames from sources of
/// the series folder come back bit for bit as h5py reads them; a source outside the folder, missing, not a regular
/// file, nested, or a region mapped to nothing is refused with one line naming the master file.
/// </summary>
public sealed class VirtualDatasetTests : IClassFixture<VirtualDatasetTests.Corpus>
{
    private readonly Corpus _corpus;

    public VirtualDatasetTests(Corpus corpus) => _corpus = corpus;

    public const int Frames = 12, Rows = 6, Cols = 5;

    /// <summary>One folder per case under cases/, each with master.h5 and, for readable cases, master.h5.ref: h5py's own
    /// read of the virtual dataset as little-endian uint32.</summary>
    public sealed class Corpus : IDisposable
    {
        private readonly TempFolder _root = new();
        public string Root => _root.Path;
        public string? Unavailable { get; }

        public Corpus()
        {
            try { PythonH5py.SkipIfUnavailable(); }
            catch (Exception ex) { Unavailable = ex.Message; return; }
            PythonH5py.Run(Script, Path.Combine(Root, "cases"), Path.Combine(Root, "outside"));
        }

        public string Case(string name) => Path.Combine(Root, "cases", name);
        public void Dispose() => _root.Dispose();
    }

    public const string Script = """
        import h5py, numpy as np, os, sys, shutil
        root, outside = sys.argv[1], sys.argv[2]
        os.makedirs(outside, exist_ok=True)
        rng = np.random.default_rng(11)
        F, R, C = 12, 6, 5
        def folder(name):
            d = os.path.join(root, name); os.makedirs(d, exist_ok=True); return d
        def data_file(d, name, frames, dtype='<u2', path='entry/data/data', **kw):
            a = rng.integers(0, 60000, (frames, R, C)).astype(dtype)
            with h5py.File(os.path.join(d, name), 'w') as f: f.create_dataset(path, data=a, **kw)
            return a
        def src(name, frames, dtype='<u2', path='entry/data/data'):
            return h5py.VirtualSource(name, path, shape=(frames, R, C), dtype=dtype)
        def L(frames=F, dtype='<u2'):
            return h5py.VirtualLayout(shape=(frames, R, C), dtype=dtype)
        def master(d, lay, name='master.h5', ref=True, mode='w', first_frame=None):
            with h5py.File(os.path.join(d, name), mode) as f:
                ds = f.create_virtual_dataset('entry/data/data', lay, fillvalue=7)
                if first_frame is not None: ds.attrs['first_frame'] = np.int64(first_frame)
            if ref:
                with h5py.File(os.path.join(d, name), 'r') as f:
                    f['entry/data/data'][()].astype('<u4').tofile(os.path.join(d, name + '.ref'))
        # --- read: contiguous ranges from three files (deflated, chunked, contiguous)
        d = folder('contiguous'); lay = L()
        for k, (a, b) in enumerate([(0, 5), (5, 9), (9, 12)]):
            data_file(d, 'data_%06d.h5' % (k + 1), b - a, **([{'compression': 'gzip'}, {'chunks': (1, R, C)}, {}][k]))
            lay[a:b] = src('data_%06d.h5' % (k + 1), b - a)
        master(d, lay)
        # --- read: frames interleaved from two files (a strided selection)
        d = folder('interleaved'); lay = L()
        data_file(d, 'even.h5', 6); data_file(d, 'odd.h5', 6, chunks=(1, R, C))
        lay[0::2] = src('even.h5', 6); lay[1::2] = src('odd.h5', 6)
        master(d, lay)
        # --- read: regular blocks (two frames of a, two of b, ...)
        d = folder('blocks'); lay = L()
        data_file(d, 'a.h5', 6); data_file(d, 'b.h5', 6)
        lay[h5py.MultiBlockSlice(start=0, stride=4, count=3, block=2)] = src('a.h5', 6)
        lay[h5py.MultiBlockSlice(start=2, stride=4, count=3, block=2)] = src('b.h5', 6)
        master(d, lay)
        # --- read: spatial tiles (modules), one taken from a larger source
        d = folder('tiles'); lay = L()
        with h5py.File(os.path.join(d, 'top.h5'), 'w') as f: f['entry/data/data'] = rng.integers(0, 60000, (F, 2, C)).astype('<u2')
        with h5py.File(os.path.join(d, 'left.h5'), 'w') as f: f['entry/data/data'] = rng.integers(0, 60000, (F, 4, 2)).astype('<u2')
        with h5py.File(os.path.join(d, 'right.h5'), 'w') as f: f['entry/data/data'] = rng.integers(0, 60000, (F, 5, 3)).astype('<u2')
        lay[:, 0:2, :] = h5py.VirtualSource('top.h5', 'entry/data/data', shape=(F, 2, C))
        lay[:, 2:6, 0:2] = h5py.VirtualSource('left.h5', 'entry/data/data', shape=(F, 4, 2))
        lay[:, 2:6, 2:5] = h5py.VirtualSource('right.h5', 'entry/data/data', shape=(F, 5, 3))[:, 1:5, :]
        master(d, lay)
        # --- read: a strided source selection, and frames of the master file itself (".")
        d = folder('strided_source_same_file'); lay = L()
        data_file(d, 'long.h5', 24)
        lay[0:6] = src('long.h5', 24)[::4]
        data_file(d, 'master.h5', 6, path='entry/raw/own')
        lay[6:12] = src('.', 6, path='entry/raw/own')
        master(d, lay, mode='a')
        # --- read: the absolute name of a file of the same folder
        d = folder('absolute_inside'); lay = L()
        data_file(d, 'data.h5', F); lay[:] = src(os.path.abspath(os.path.join(d, 'data.h5')), F)
        master(d, lay)
        # --- read: uint32 frames
        d = folder('uint32'); lay = L(dtype='<u4')
        data_file(d, 'data.h5', F, dtype='<u4'); lay[:] = src('data.h5', F, dtype='<u4')
        master(d, lay)
        # --- read: 4000 frames interleaved from two files (HDF5 stores each selection as 2000 blocks; h5py's own read is quadratic in them)
        d = folder('interleaved_long'); lay = h5py.VirtualLayout(shape=(4000, 2, 2), dtype='<u2')
        for k, name in enumerate(['even.h5', 'odd.h5']):
            with h5py.File(os.path.join(d, name), 'w') as f: f.create_dataset('entry/data/data', data=rng.integers(0, 60000, (2000, 2, 2)).astype('<u2'), chunks=(500, 2, 2))
            lay[k::2] = h5py.VirtualSource(name, 'entry/data/data', shape=(2000, 2, 2))
        master(d, lay)
        # --- refused
        out_file = os.path.join(outside, 'data.h5'); data_file(outside, 'data.h5', F)
        fifo = os.path.join(outside, 'fifo.h5'); os.mkfifo(fifo)
        def refused(name, source_name, frames=F, extra=None):
            d = folder(name); lay = L()
            lay[0:frames] = src(source_name, frames)
            if extra: extra(d, lay)
            master(d, lay, ref=False)
            return d
        refused('absolute_outside', out_file)
        refused('relative_outside', os.path.relpath(out_file, os.path.join(root, 'relative_outside')))
        d = refused('subfolder', 'sub/data.h5'); os.makedirs(os.path.join(d, 'sub')); shutil.copy(out_file, os.path.join(d, 'sub', 'data.h5'))
        d = refused('symlink_out', 'data.h5'); os.symlink(out_file, os.path.join(d, 'data.h5'))
        refused('proc_environ', '/proc/self/environ')
        refused('dev_zero', '/dev/zero')
        refused('fifo_outside', fifo)
        d = refused('fifo_inside', 'data.h5'); os.mkfifo(os.path.join(d, 'data.h5'))
        refused('missing', 'data.h5')
        # HDF5 writes printf-style names only for a growing (unlimited) mapping: low-level API
        d = folder('printf'); shutil.copy(out_file, os.path.join(d, 'master_data.h5'))
        vspace = h5py.h5s.create_simple((F, R, C), (h5py.h5s.UNLIMITED, R, C))
        vspace.select_hyperslab((0, 0, 0), (h5py.h5s.UNLIMITED, 1, 1), stride=(F, 1, 1), block=(F, R, C))
        sspace = h5py.h5s.create_simple((F, R, C)); sspace.select_hyperslab((0, 0, 0), (1, 1, 1), block=(F, R, C))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE); dcpl.set_virtual(vspace, b'%b_data.h5', b'entry/data/data', sspace)
        with h5py.File(os.path.join(d, 'master.h5'), 'w') as f:
            h5py.h5d.create(f.create_group('entry/data').id, b'data', h5py.h5t.NATIVE_UINT16, vspace, dcpl=dcpl)
        d = refused('unmapped', 'data.h5', frames=10); data_file(d, 'data.h5', 10)
        def overlap(d, lay):
            data_file(d, 'b.h5', 2); lay[4:6] = src('b.h5', 2)
        d = refused('overlap', 'data.h5', extra=overlap); data_file(d, 'data.h5', F)
        def wrong_type(d, lay):
            pass
        d = folder('wrong_type'); lay = L(); data_file(d, 'data.h5', F, dtype='<u4'); lay[:] = src('data.h5', F)
        master(d, lay, ref=False)
        # a source that is itself virtual (nested) and one that links elsewhere
        d = refused('nested', 'inner.h5'); data_file(d, 'data.h5', F); inner = L(); inner[:] = src('data.h5', F); master(d, inner, name='inner.h5', ref=False)
        d = refused('source_links_out', 'data.h5')
        with h5py.File(os.path.join(d, 'data.h5'), 'w') as f:
            f.create_group('entry/data'); f['entry/data/data'] = h5py.ExternalLink(out_file, '/entry/data/data')
        d = refused('source_external_storage', 'data.h5')
        raw = os.path.join(outside, 'raw.bin'); np.zeros((F, R, C), '<u2').tofile(raw)
        with h5py.File(os.path.join(d, 'data.h5'), 'w') as f:
            f.create_dataset('entry/data/data', shape=(F, R, C), dtype='<u2', external=[(raw, 0, F * R * C * 2)])
        # --- contract chunks: chunk 1 of an intact 11-frame series made a virtual dataset / an external link into the folder
        for name, kind in [('chunk_vds_inside', 'vds'), ('chunk_link_inside', 'link'), ('chunk_vds_outside', 'vds_out')]:
            d = folder(name)
            for k, (a, b) in enumerate([(0, 3), (3, 7), (7, 11)]):
                rows = (np.arange(a, b)[:, None, None] * 131 + np.arange(R * C).reshape(1, R, C) * 71 + 1) * 2654435761 % 65536
                with h5py.File(os.path.join(d, 'frames-%d.h5' % k), 'w') as f:
                    f.create_dataset('entry/data/data', data=rows.astype('<u2')).attrs['first_frame'] = np.int64(a)
                path = os.path.join(d, 'chunk-%05d.h5' % k)
                if k != 1:
                    with h5py.File(path, 'w') as f:
                        f.create_dataset('entry/data/data', data=rows.astype('<u2')).attrs['first_frame'] = np.int64(a)
                elif kind == 'link':
                    with h5py.File(path, 'w') as f:
                        f.create_group('entry/data'); f['entry/data/data'] = h5py.ExternalLink('frames-1.h5', '/entry/data/data')
                else:
                    lay = L(b - a); lay[:] = src('frames-1.h5' if kind == 'vds' else out_file, b - a)
                    master(d, lay, name='chunk-%05d.h5' % k, ref=False, first_frame=a)
        """;

    private void Skip() => Xunit.Skip.If(_corpus.Unavailable is not null, _corpus.Unavailable);

    private static uint[] ReadAll(ISeriesFrames source)
    {
        var all = new uint[source.Frames * source.PixelsPerFrame];
        for (int first = 0; first < source.Frames; first += 5)
        {
            int count = Math.Min(5, source.Frames - first);
            source.ReadFrames(first, count, all.AsSpan(first * source.PixelsPerFrame, count * source.PixelsPerFrame));
        }
        return all;
    }

    /// <summary>Describes the master (as `cloudxpcs describe` does) and writes series.json with the files it found.</summary>
    private static DetectorHdf5Acquisition Describe(string folder)
    {
        var acquisition = DetectorHdf5Acquisition.Of(Path.Combine(folder, "master.h5"));
        (TestSeries.Manifest(acquisition.Frames, 1, acquisition.Rows, acquisition.Cols) with
        {
            Chunks = 0,
            Raw = new SeriesRawFiles(SeriesRawFiles.Hdf5, acquisition.Files, SeriesRawFiles.DefaultDataset),
        }).Save(Path.Combine(folder, SeriesManifest.FileName));
        return acquisition;
    }

    [SkippableTheory]
    [InlineData("contiguous", "master.h5,data_000001.h5,data_000002.h5,data_000003.h5")]
    [InlineData("interleaved", "master.h5,even.h5,odd.h5")]
    [InlineData("blocks", "master.h5,a.h5,b.h5")]
    [InlineData("tiles", "master.h5,top.h5,left.h5,right.h5")]
    [InlineData("strided_source_same_file", "master.h5,long.h5")]
    [InlineData("absolute_inside", "master.h5,data.h5")]
    [InlineData("uint32", "master.h5,data.h5")]
    public void FramesAreReadBitForBitAsH5pyReadsTheVirtualDataset(string name, string files)
    {
        Skip();
        string folder = _corpus.Case(name);
        var acquisition = Describe(folder);
        Assert.Equal(files, string.Join(",", acquisition.Files));
        Assert.Equal((Frames, Rows, Cols), (acquisition.Frames, acquisition.Rows, acquisition.Cols));
        using var source = SeriesFrames.Open(folder);
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(File.ReadAllBytes(Path.Combine(folder, "master.h5.ref"))).ToArray();
        Assert.Equal(expected, ReadAll(source));
    }

    [SkippableFact]
    public void FourThousandInterleavedFramesAreMappedAndReadQuickly()
    {
        Skip();
        string folder = _corpus.Case("interleaved_long");
        var started = DateTime.UtcNow;
        var acquisition = Describe(folder);
        Assert.Equal((4000, 2, 2), (acquisition.Frames, acquisition.Rows, acquisition.Cols));
        using var source = SeriesFrames.Open(folder);
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(File.ReadAllBytes(Path.Combine(folder, "master.h5.ref"))).ToArray();
        var all = new uint[4000 * 4];
        source.ReadFrames(0, 4000, all);
        Assert.Equal(expected, all);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"took {DateTime.UtcNow - started}");
    }

    [SkippableFact]
    public void ADataFileNotListedInSeriesJsonIsRefusedSoTheUploadCannotMissIt()
    {
        Skip();
        string folder = _corpus.Case("interleaved");
        (TestSeries.Manifest(Frames, 1, Rows, Cols) with
        {
            Chunks = 0,
            Raw = new SeriesRawFiles(SeriesRawFiles.Hdf5, ["master.h5", "even.h5"], SeriesRawFiles.DefaultDataset),
        }).Save(Path.Combine(folder, SeriesManifest.FileName));
        ContractAssert.Throws(Path.Combine(folder, "master.h5"), () => SeriesFrames.Open(folder).Dispose(),
            "/entry/data/data is a virtual dataset whose source odd.h5 is not listed in series.json's raw files");
    }

    [SkippableTheory]
    [InlineData("absolute_outside", "is outside the series folder")]
    [InlineData("relative_outside", "is outside the series folder")]
    [InlineData("subfolder", "whose source sub/data.h5 is outside the series folder")]
    [InlineData("symlink_out", "whose source data.h5 is outside the series folder")]
    [InlineData("proc_environ", "whose source /proc/self/environ is outside the series folder")]
    [InlineData("dev_zero", "whose source /dev/zero is outside the series folder")]
    [InlineData("fifo_outside", "fifo.h5 is outside the series folder")]
    [InlineData("fifo_inside", "whose source data.h5 is not a regular file of the series folder")]
    [InlineData("missing", "whose source data.h5 is missing from the series folder")]
    [InlineData("printf", "whose source %b_data.h5 uses printf-style substitution")]
    [InlineData("unmapped", "maps no data to 30 of the 30 pixels of frame 10")]
    [InlineData("overlap", "maps frame 4 from two overlapping sources")]
    [InlineData("wrong_type", "virtual dataset of uint16 whose source data.h5 holds uint32")]
    [InlineData("nested", "whose source inner.h5 is itself a virtual dataset or a link")]
    [InlineData("source_links_out", "whose source data.h5 is itself a virtual dataset or a link")]
    [InlineData("source_external_storage", "external raw storage")]
    public void IsRefusedNamingTheMasterFile(string name, string problem)
    {
        Skip();
        string folder = _corpus.Case(name);
        var started = DateTime.UtcNow;
        ContractAssert.Throws(Path.Combine(folder, "master.h5"), () => DetectorHdf5Acquisition.Of(Path.Combine(folder, "master.h5")), "/entry/data/data", problem);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"{name} took {DateTime.UtcNow - started}");
    }

    [SkippableTheory]
    [InlineData("chunk_vds_inside")]
    [InlineData("chunk_link_inside")]
    public void AContractChunkThatIsAVirtualDatasetOrLinkIntoTheFolderIsRead(string name)
    {
        Skip();
        string folder = _corpus.Case(name);
        TestSeries.Manifest(frames: 11, chunks: 3, rows: Rows, cols: Cols).Save(Path.Combine(folder, SeriesManifest.FileName));
        TestSeries.AssertFolderHoldsTestValues(folder, FrameDType.UInt16);
    }

    [SkippableFact]
    public void AContractChunkThatIsAVirtualDatasetOfAFileOutsideIsRefused()
    {
        Skip();
        string folder = _corpus.Case("chunk_vds_outside");
        TestSeries.Manifest(frames: 11, chunks: 3, rows: Rows, cols: Cols).Save(Path.Combine(folder, SeriesManifest.FileName));
        ContractAssert.Throws(Path.Combine(folder, SeriesManifest.ChunkFileName(1)), () => TestSeries.AssertFolderHoldsTestValues(folder, FrameDType.UInt16),
            "/entry/data/data is a virtual dataset whose source", "is outside the series folder");
    }
}
