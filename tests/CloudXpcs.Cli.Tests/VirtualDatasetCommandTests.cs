using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// A detector master whose /entry/data/data is a virtual dataset (frames interleaved from two data files, as h5py's
/// VirtualLayout writes it): `describe` lists the data files with the master, and `correlate` gives exactly the g2 of
/// the same frames stored densely in one file; a source outside the series folder ends with one error line, exit 2.
/// </summary>
[Collection(CliCollection.Name)]
public class VirtualDatasetCommandTests
{
    private const string Script = """
        import h5py, numpy as np, os, sys
        root = sys.argv[1]
        F, R, C = 48, 16, 16
        rng = np.random.default_rng(5)
        frames = rng.poisson(0.8, (F, R, C)).astype('<u2')
        def metadata(f):
            d = f.create_group('entry/instrument/detector')
            d['detector_distance'] = 8.0; d['x_pixel_size'] = 75e-6; d['beam_center_x'] = -40.0; d['beam_center_y'] = -30.0
            d['frame_time'] = 0.01; d['detectorSpecific/photon_energy'] = 10900.0
        vds, dense, bad = (os.path.join(root, n, 'xpcs', 'x0.00_t0000') for n in ('vds', 'dense', 'bad'))
        for d in (vds, dense, bad): os.makedirs(d)
        with h5py.File(os.path.join(vds, 'even.h5'), 'w') as f: f.create_dataset('entry/data/data', data=frames[0::2], chunks=(3, R, C), compression='gzip')
        with h5py.File(os.path.join(vds, 'odd.h5'), 'w') as f: f['entry/data/data'] = frames[1::2]
        layout = h5py.VirtualLayout(shape=(F, R, C), dtype='<u2')
        layout[0::2] = h5py.VirtualSource('even.h5', 'entry/data/data', shape=(F // 2, R, C))
        layout[1::2] = h5py.VirtualSource('odd.h5', 'entry/data/data', shape=(F // 2, R, C))
        with h5py.File(os.path.join(vds, 'master.h5'), 'w') as f:
            metadata(f); f.create_virtual_dataset('entry/data/data', layout)
        with h5py.File(os.path.join(dense, 'data.h5'), 'w') as f:
            metadata(f); f['entry/data/data'] = frames
        outside = h5py.VirtualLayout(shape=(F, R, C), dtype='<u2')
        outside[0::2] = h5py.VirtualSource(os.path.join(vds, 'even.h5'), 'entry/data/data', shape=(F // 2, R, C))
        outside[1::2] = h5py.VirtualSource(os.path.join(vds, 'odd.h5'), 'entry/data/data', shape=(F // 2, R, C))
        with h5py.File(os.path.join(bad, 'master.h5'), 'w') as f:
            metadata(f); f.create_virtual_dataset('entry/data/data', outside)
        with h5py.File(os.path.join(vds, 'master.h5'), 'r') as f:
            assert np.array_equal(f['entry/data/data'][()], frames)
        """;

    private const string CompareScript = """
        import h5py, numpy as np, sys
        a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
        names = []
        a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and o.dtype.kind in 'fiu' else None)
        differ = [n for n in names if n not in b or not np.array_equal(a[n][()], b[n][()], equal_nan=True)]
        print(len(names), 'numeric datasets;', 'differ: ' + ','.join(differ) if differ else 'all equal')
        """;

    [SkippableFact]
    public void DescribeListsTheDataFilesAndCorrelateGivesTheG2OfTheSameFramesDense()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        PythonH5py.Run(Script, folder.Path);
        string vds = Path.Combine(folder.Path, "vds", "xpcs", "x0.00_t0000"), dense = Path.Combine(folder.Path, "dense", "xpcs", "x0.00_t0000");

        var describe = CliRun.Cloudxpcs("describe", "--raw", Path.Combine(vds, "master.h5"));
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("48 frames of 16 x 16 pixels in 3 file(s) (master.h5, even.h5, odd.h5)", describe.Stdout);
        var describeDense = CliRun.Cloudxpcs("describe", "--raw", Path.Combine(dense, "data.h5"));
        Assert.True(describeDense.ExitCode == 0, describeDense.ToString());

        foreach (var series in new[] { vds, dense })
        {
            var correlate = CliRun.Cloudxpcs("correlate", "--series", Path.Combine(series, "series.json"), "--out", Path.Combine(series, "g2.h5"), "--threads", "1");
            Assert.True(correlate.ExitCode == 0, correlate.ToString());
        }
        string compared = PythonH5py.Run(CompareScript, Path.Combine(vds, "g2.h5"), Path.Combine(dense, "g2.h5"));
        Assert.Contains("all equal", compared);
        Assert.True(int.Parse(compared.Split(' ')[0]) >= 5, compared);
    }

    [SkippableFact]
    public void ASourceOutsideTheSeriesFolderEndsWithOneErrorLineNamingTheMaster()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        PythonH5py.Run(Script, folder.Path);
        string master = Path.Combine(folder.Path, "bad", "xpcs", "x0.00_t0000", "master.h5");
        string source = Path.Combine(folder.Path, "vds", "xpcs", "x0.00_t0000", "even.h5");
        var run = CliRun.Cloudxpcs("describe", "--raw", master);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {master}: /entry/data/data is a virtual dataset whose source {source} is outside the series folder", run.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(master)!, "series.json")));
    }
}
