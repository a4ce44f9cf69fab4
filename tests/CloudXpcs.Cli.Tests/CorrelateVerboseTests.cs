using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>correlate --verbose prints where the time went and the whole process's rate.</summary>
[Collection(CliCollection.Name)]
public sealed class CorrelateVerboseTests
{
    [Fact]
    public void VerbosePrintsTheSplitByStage()
    {
        using var temp = new TempFolder();
        string seriesJson = SmallSeries.Write(Path.Combine(temp.Path, "series"));
        var run = CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--out", temp.File("g2.h5"), "--verbose");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"time: open [0-9.]+ s, read [0-9.]+ s \(\d+ chunk\(s\) memory-mapped, \d+ read through HDF5; .*\), decompress [0-9.]+ s, correlate [0-9.]+ s, finalise [0-9.]+ s, write [0-9.]+ s", run.Stdout);
        Assert.Matches(@"whole process: [0-9.]+ s since start \([0-9.E+]+ pixel-frames/s\), user [0-9.]+ s, system [0-9.]+ s", run.Stdout);
        var quiet = CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--out", temp.File("g2-quiet.h5"));
        Assert.DoesNotContain("time: open", quiet.Stdout);
    }

    [Fact]
    public void VerboseSplitsTheEventPathToo()
    {
        using var temp = new TempFolder();
        string seriesJson = SmallSeries.Write(Path.Combine(temp.Path, "series"));
        string imm = temp.File("frames.imm");
        WriteSparseImm(imm);
        var run = CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--detector-format", "imm", "--detector-files", imm, "--out", temp.File("g2.h5"), "--verbose");
        Assert.True(run.ExitCode == 0, run.ToString());
        var split = System.Text.RegularExpressions.Regex.Match(run.Stdout, @"time: open ([0-9.]+) s, read ([0-9.]+) s .*correlate ([0-9.]+) s, finalise ([0-9.]+) s, write ([0-9.]+) s");
        Assert.True(split.Success, run.Stdout);
        Assert.True(double.Parse(split.Groups[1].Value) > 0 && double.Parse(split.Groups[3].Value) > 0 && double.Parse(split.Groups[5].Value) > 0,
            $"the event path's stages were not timed: {split.Value}");
    }

    /// <summary>SmallSeries' frames as a sparse IMM file (per frame a 1024-byte header, then the pixel indices and their counts).</summary>
    private static void WriteSparseImm(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        int pixels = SmallSeries.Rows * SmallSeries.Cols;
        for (int frame = 0; frame < SmallSeries.Frames; frame++)
        {
            var hits = Enumerable.Range(0, pixels).Where(p => SmallSeries.Count(frame, p) > 0).ToArray();
            var header = new byte[1024];
            BitConverter.TryWriteBytes(header.AsSpan(4), 6);                  // compression 6: sparse
            BitConverter.TryWriteBytes(header.AsSpan(108), SmallSeries.Rows);
            BitConverter.TryWriteBytes(header.AsSpan(112), SmallSeries.Cols);
            BitConverter.TryWriteBytes(header.AsSpan(152), (uint)hits.Length);
            writer.Write(header);
            foreach (int p in hits) writer.Write(p);
            foreach (int p in hits) writer.Write((ushort)SmallSeries.Count(frame, p));
        }
    }
}
