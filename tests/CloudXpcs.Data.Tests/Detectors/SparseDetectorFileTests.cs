using System.Buffers.Binary;
using CloudXpcs.Data.Detectors;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Detectors;

/// <summary>
/// The photon-counting readers against files written by an independent numpy writer (detector_writer.py, the byte
/// layouts boost_corr reads): the events must be exactly the non-zero pixels of numpy's dense frames.
/// </summary>
public sealed class SparseDetectorFileTests
{
    public static readonly string Writer = Path.Combine(AppContext.BaseDirectory, "Detectors", "detector_writer.py");

    /// <summary>Writes a file with the numpy writer; returns numpy's frames as (frame, pixel, count) and the shape.</summary>
    public static (int[] Events, int Rows, int Cols, int Frames) Write(string format, string path, int seed, int frames, double mean, params string[] extra)
    {
        PythonH5py.Run(File.ReadAllText(Writer), [format, path, seed.ToString(), frames.ToString(), mean.ToString("R"), .. extra]);
        var bytes = File.ReadAllBytes(path + ".events");
        var events = new int[bytes.Length / 4];
        for (int i = 0; i < events.Length; i++) events[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        var shape = File.ReadAllText(path + ".shape").Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return (events, shape[0], shape[1], shape[2]);
    }

    internal static void AssertSameFrames((int[] Events, int Rows, int Cols, int Frames) expected, SparseDetectorSource source)
    {
        Assert.Equal((expected.Rows, expected.Cols, expected.Frames), (source.Rows, source.Cols, source.Frames));
        Assert.Equal(expected.Events.Length / 3, source.EventCount);
        int i = 0, first = 0;
        foreach (var batch in source.ReadBatches(2))
        {
            for (int f = 0; f < batch.FrameCount; f++)
            {
                var pixels = batch.FramePixels(f);
                var counts = batch.FrameCounts(f);
                for (int e = 0; e < pixels.Length; e++, i += 3)
                {
                    int frame = expected.Events[i], pixel = expected.Events[i + 1], count = expected.Events[i + 2];
                    if ((frame, pixel, count) != (first + f, pixels[e], counts[e]))
                        Assert.Fail($"event {i / 3}: numpy has frame {frame} pixel {pixel} count {count}, the reader pixel {pixels[e]} count {counts[e]}");
                }
            }
            first += batch.FrameCount;
        }
        Assert.Equal(expected.Events.Length, i);
    }

    [SkippableFact]
    public void Rigaku500kFramesAreNumpysFrames()
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string path = temp.File("series_00001.bin");
        var expected = Write("rigaku-500k", path, 11, 5, 0.002);
        AssertSameFrames(expected, SparseDetectorSource.Open(SparseDetectorSource.Rigaku500kFormat, [path]));
    }

    [SkippableFact]
    public void Rigaku3MModulesAreAssembledWithTheirGaps()
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string path = temp.File("series_00001.bin.000");
        var expected = Write("rigaku-3m", path, 12, 4, 0.001);
        AssertSameFrames(expected, SparseDetectorSource.Open(SparseDetectorSource.Rigaku3MFormat, [path]));
        var six = Enumerable.Range(0, 6).Select(m => temp.File($"series_00001.bin.00{5 - m}")).ToArray();
        AssertSameFrames(expected, SparseDetectorSource.Open(SparseDetectorSource.Rigaku3MFormat, six));
    }

    [SkippableTheory]
    [InlineData("imm-dense")]
    [InlineData("imm-sparse")]
    public void ImmFramesAreNumpysFrames(string kind)
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string path = temp.File("series_00001-00009.imm");
        var expected = Write(kind, path, 13, 9, 0.4, "24", "20");
        AssertSameFrames(expected, SparseDetectorSource.Open(SparseDetectorSource.ImmFormat, [path]));
    }

    [Fact]
    public void DamagedFilesAreRefusedNamingTheFile()
    {
        using var temp = new TempFolder();
        string bin = temp.File("cut.bin");
        File.WriteAllBytes(bin, new byte[8 * 3 + 5]);
        AssertRefused(bin, "truncated", SparseDetectorSource.Rigaku500kFormat);

        string backwards = temp.File("backwards.bin");
        var records = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(records, (2UL << 40) | (5UL << 16) | 1);
        BinaryPrimitives.WriteUInt64LittleEndian(records.AsSpan(8), (1UL << 40) | (6UL << 16) | 1);
        File.WriteAllBytes(backwards, records);
        AssertRefused(backwards, "frame 1 after frame 2", SparseDetectorSource.Rigaku500kFormat);

        string imm = temp.File("cut.imm");
        var frame = new byte[1024 + 2 * 4 * 3];
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(108), 4);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(112), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(152), 12);
        File.WriteAllBytes(imm, [.. frame, .. frame.AsSpan(0, 1024 + 10)]);
        AssertRefused(imm, "frame 1: truncated payload", SparseDetectorSource.ImmFormat);

        File.WriteAllBytes(imm, new byte[100]);
        AssertRefused(imm, "shorter than one 1024-byte IMM header", SparseDetectorSource.ImmFormat);

        var ex = Assert.Throws<DataContractException>(() => SparseDetectorSource.Open(SparseDetectorSource.Rigaku3MFormat, [temp.File("x.bin.000")]));
        Assert.Contains("x.bin.000", ex.Source);
    }

    private static void AssertRefused(string path, string problem, string format)
    {
        var ex = Assert.Throws<DataContractException>(() => SparseDetectorSource.Open(format, [path]));
        Assert.Equal(path, ex.Source);
        Assert.Contains(problem, ex.Problem);
    }
}
