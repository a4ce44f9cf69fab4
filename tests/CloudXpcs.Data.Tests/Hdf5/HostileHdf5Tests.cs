using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>
/// Hostile HDF5 inputs written by h5py (an attacker's tool, not ours): every case is either refused with one line
/// naming the file, or reads the same frames as the intact series. None may read a file outside the series folder,
/// overflow the stack, block or run for long.
/// </summary>
public sealed class HostileHdf5Tests : IClassFixture<HostileHdf5Tests.Corpus>
{
    private readonly Corpus _corpus;

    public HostileHdf5Tests(Corpus corpus) => _corpus = corpus;

    /// <summary>Case folders, each a copy of an intact 11-frame series (6 x 5 uint16) whose chunk 1 (frames 3..6) is replaced.</summary>
    public sealed class Corpus : IDisposable
    {
        private readonly TempFolder _root = new();

        public string Root => _root.Path;
        public string Good => Path.Combine(Root, "good");
        public string Outside => Path.Combine(Root, "outside");
        public string? Unavailable { get; }

        public Corpus()
        {
            TestSeries.WriteFolder(Directory.CreateDirectory(Good).FullName, TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5), FrameDType.UInt16, ChunkStorageLayout.Deflate);
            try { PythonH5py.SkipIfUnavailable(); }
            catch (Exception ex) { Unavailable = ex.Message; return; }
            PythonH5py.Run(Script, Good, Outside, Path.Combine(Root, "cases"));
        }

        public void Dispose() => _root.Dispose();

        public string Chunk(string name) => Path.Combine(Root, "cases", name, SeriesManifest.ChunkFileName(1));
    }

    public const string Script = """
        import h5py, numpy as np, os, sys, shutil, json
        good, outside, cases = sys.argv[1], sys.argv[2], sys.argv[3]
        os.makedirs(outside, exist_ok=True)
        with h5py.File(os.path.join(good, 'chunk-00001.h5'), 'r') as src:
            data = src['entry/data/data'][()]; first = int(src['entry/data/data'].attrs['first_frame'])
        def case(name):
            d = os.path.join(cases, name); shutil.copytree(good, d); p = os.path.join(d, 'chunk-00001.h5'); os.remove(p); return p
        def frames(f, path='entry/data/data', **kw):
            ds = f.create_dataset(path, data=data, **kw); ds.attrs['first_frame'] = np.int64(first); return ds
        def declared(f, shape, **kw):
            ds = f.create_dataset('entry/data/data', shape=shape, dtype=data.dtype, **kw); ds.attrs['first_frame'] = np.int64(first); return ds
        out_chunk = os.path.join(outside, 'chunk.h5')
        with h5py.File(out_chunk, 'w') as f: frames(f)
        with h5py.File(case('external_storage_environ'), 'w') as f:
            declared(f, data.shape, external=[('/proc/self/environ', 0, data.nbytes)])
        raw = os.path.join(outside, 'raw.bin'); data.tofile(raw)
        with h5py.File(case('external_storage_outside'), 'w') as f:
            declared(f, data.shape, external=[(raw, 0, data.nbytes)])
        with h5py.File(case('softlink_cycle'), 'w') as f:
            f.create_group('entry/data'); f['entry/data/data'] = h5py.SoftLink('/loop1'); f['loop1'] = h5py.SoftLink('/loop2'); f['loop2'] = h5py.SoftLink('/loop1')
        with h5py.File(case('softlink_self_latest'), 'w', libver='latest') as f:
            f['entry'] = h5py.SoftLink('/entry')
        with h5py.File(case('softlink_inside_ok'), 'w') as f:
            frames(f, 'real/frames'); f.create_group('entry/data'); f['entry/data/data'] = h5py.SoftLink('/real/frames')
        with h5py.File(case('external_link_out'), 'w') as f:
            f.create_group('entry/data'); f['entry/data/data'] = h5py.ExternalLink(os.path.abspath(out_chunk), '/entry/data/data')
        p = case('external_link_relative_out')
        with h5py.File(p, 'w') as f:
            f.create_group('entry/data'); f['entry/data/data'] = h5py.ExternalLink(os.path.relpath(out_chunk, os.path.dirname(p)), '/entry/data/data')
        with h5py.File(case('external_link_self_cycle'), 'w') as f:
            f.create_group('entry'); f['entry/data'] = h5py.ExternalLink('chunk-00001.h5', '/entry/data')
        fifo = os.path.join(outside, 'fifo.h5'); os.mkfifo(fifo)
        with h5py.File(case('external_link_to_fifo'), 'w') as f:
            f.create_group('entry/data'); f['entry/data/data'] = h5py.ExternalLink(fifo, '/entry/data/data')
        with h5py.File(case('vds_out'), 'w') as f:
            layout = h5py.VirtualLayout(shape=data.shape, dtype=data.dtype)
            layout[:] = h5py.VirtualSource(os.path.abspath(out_chunk), 'entry/data/data', shape=data.shape)
            f.create_virtual_dataset('entry/data/data', layout).attrs['first_frame'] = np.int64(first)
        with h5py.File(case('unallocated_chunks'), 'w') as f:
            declared(f, data.shape, chunks=(1,) + data.shape[1:], compression='gzip')
        with h5py.File(case('partly_unallocated_chunks'), 'w') as f:
            declared(f, data.shape, chunks=(1,) + data.shape[1:], compression='gzip')[:2] = data[:2]
        with h5py.File(case('unallocated_contiguous'), 'w') as f:
            declared(f, data.shape)
        p = case('symlink_out'); os.symlink(os.path.abspath(out_chunk), p)
        p = case('symlink_dev_zero'); os.symlink('/dev/zero', p)
        p = case('symlink_proc_environ'); os.symlink('/proc/self/environ', p)
        p = case('symlink_in_folder_ok'); shutil.copy(os.path.join(good, 'chunk-00001.h5'), p + '.real'); os.symlink('chunk-00001.h5.real', p)
        p = case('fifo'); os.mkfifo(p)
        """;

    private void Skip() => Xunit.Skip.If(_corpus.Unavailable is not null, _corpus.Unavailable);

    private void ReadAll(string name)
    {
        using var source = SeriesFrameSource.Open(Path.GetDirectoryName(_corpus.Chunk(name))!);
        foreach (var batch in source.ReadBatches(4)) Assert.True(batch.FrameCount > 0);
    }

    [SkippableTheory]
    [InlineData("external_storage_environ", "external raw storage")]
    [InlineData("external_storage_outside", "external raw storage")]
    [InlineData("softlink_cycle", "nest too deep or form a cycle")]
    [InlineData("softlink_self_latest", "nest too deep or form a cycle")]
    [InlineData("external_link_out", "outside the series folder")]
    [InlineData("external_link_relative_out", "outside the series folder")]
    [InlineData("external_link_self_cycle", "not found")]
    [InlineData("external_link_to_fifo", "outside the series folder")]
    [InlineData("vds_out", "virtual dataset")]
    [InlineData("unallocated_chunks", "does not store")]
    [InlineData("partly_unallocated_chunks", "does not store")]
    [InlineData("unallocated_contiguous", "does not store")]
    [InlineData("symlink_out", "outside its folder")]
    [InlineData("symlink_dev_zero", "outside its folder")]
    [InlineData("symlink_proc_environ", "outside its folder")]
    [InlineData("fifo", "not a regular file (a FIFO)")]
    public void IsRefusedNamingTheChunk(string name, string problem)
    {
        Skip();
        var started = DateTime.UtcNow;
        ContractAssert.Throws(_corpus.Chunk(name), () => ReadAll(name), problem);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"{name} took {DateTime.UtcNow - started}");
    }

    [SkippableTheory]
    [InlineData("softlink_inside_ok")]
    [InlineData("symlink_in_folder_ok")]
    public void ReadsTheSameFramesAsTheIntactSeries(string name)
    {
        Skip();
        TestSeries.AssertFolderHoldsTestValues(Path.GetDirectoryName(_corpus.Chunk(name))!, FrameDType.UInt16);
    }
}
