using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>The README's two commands: describe a series as the detector wrote it, then analyse it to fit.json.</summary>
[Collection(CliCollection.Name)]
public class DescribeCommandTests
{
    [SkippableFact]
    public void DescribeThenAnalyzeSeriesGoFromAnEigerMasterMetadataAndQMapToFitJson()
    {
        PythonH5py.SkipIfUnavailable();
        Skip.IfNot(PythonH5py.Run("import h5py, hdf5plugin; print(h5py.h5z.filter_avail(32008))").Trim() == "True", "no bitshuffle HDF5 filter plugin (Debian: bitshuffle)");
        using var folder = new TempFolder();
        string sim = folder.File("sim"), series = Path.Combine(folder.Path, "scan", "xpcs", "x0.00_t0000");
        Assert.Equal(0, CliRun.Cloudxpcs("simulate-series", "--out", sim, "--frames", "256", "--binning", "8", "--speed-A-per-s", "60").ExitCode);
        PythonH5py.Run(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "bench", "detector", "eiger_series_from_contract.py")), sim, series, "100");

        var describe = CliRun.Cloudxpcs("describe", "--raw", Path.Combine(series, "master.h5"), "--metadata", Path.Combine(series, "metadata.hdf"),
            "--qmap", Path.Combine(series, "qmap.h5"), "--position-mm", "1.5");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("256 frames of 64 x 64 pixels in 4 file(s) (master.h5, data_000001.h5, data_000002.h5, data_000003.h5)", describe.Stdout);
        var analyze = CliRun.Cloudxpcs("analyze-series", "--series", Path.Combine(series, "series.json"), "--out", folder.File("out"));
        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        Assert.True(File.Exists(folder.File(Path.Combine("out", "fit.json"))));
    }

    [SkippableFact]
    public void AMetadataFileWithoutBeamlineKeysEndsWithOneErrorLine()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        PythonH5py.Run("""
            import sys, numpy as np, h5py
            h5py.File(sys.argv[1], 'w')['entry/data/data'] = np.zeros((3, 4, 5), dtype='<u2')
            h5py.File(sys.argv[2], 'w')['entry/x'] = 1.0
            """, folder.File("data.h5"), folder.File("meta.hdf"));
        var run = CliRun.Cloudxpcs("describe", "--raw", folder.File("data.h5"), "--metadata", folder.File("meta.hdf"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {folder.File("meta.hdf")}: is not a beamline metadata file", run.Stderr);
        Assert.False(File.Exists(folder.File("series.json")));
    }
}
