using System.Buffers.Binary;
using CloudXpcs.Data.Detectors;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Detectors;

/// <summary>
/// The readers decode frame and record ranges in parallel: files long enough to be split must give the events in order,
/// and of several faults the one a frame-by-frame reading meets first.
/// </summary>
public sealed class SparseDetectorParallelReadTests
{
    private const int ImmRows = 4, ImmCols = 5;

    /// <summary>A sparse IMM file; frame f lists pixels f % 20 and (f + 7) % 20 (count f % 9), its payload given by <paramref name="edit"/>.</summary>
    private static byte[] SparseImm(int frames, Action<int, int[]>? edit = null)
    {
        using var bytes = new MemoryStream();
        var header = new byte[1024];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), ImmFile.SparseCompression);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(108), ImmRows);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(112), ImmCols);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(152), 2);
        for (int f = 0; f < frames; f++)
        {
            int[] pixels = [f % 20, (f + 7) % 20];
            edit?.Invoke(f, pixels);
            bytes.Write(header);
            var payload = new byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(payload, pixels[0]);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), pixels[1]);
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(8), (ushort)(f % 9));
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(10), (ushort)(f % 9 + 1));
            bytes.Write(payload);
        }
        return bytes.ToArray();
    }

    [Fact]
    public void ImmFramesReadInParallelKeepTheirOrder()
    {
        using var temp = new TempFolder();
        string path = temp.File("long.imm");
        File.WriteAllBytes(path, SparseImm(300));
        var source = SparseDetectorSource.Open(SparseDetectorSource.ImmFormat, [path]);
        Assert.Equal(300, source.Frames);
        var batch = source.ReadEvents(0, 300);
        for (int f = 0; f < 300; f++)
        {
            // Frames whose second pixel precedes the first are sorted, their counts with them.
            var expected = f % 20 < (f + 7) % 20
                ? new[] { (f % 20, f % 9), ((f + 7) % 20, f % 9 + 1) }
                : new[] { ((f + 7) % 20, f % 9 + 1), (f % 20, f % 9) };
            Assert.Equal(expected, batch.FramePixels(f).ToArray().Zip(batch.FrameCounts(f).ToArray()).ToArray());
        }
        var later = source.ReadEvents(250, 50);
        Assert.Equal(batch.FramePixels(260).ToArray(), later.FramePixels(10).ToArray());
    }

    [Fact]
    public void ImmFaultsAreReportedInFrameOrder()
    {
        using var temp = new TempFolder();
        string path = temp.File("faults.imm");
        File.WriteAllBytes(path, SparseImm(300, (f, pixels) =>
        {
            if (f == 250) pixels[0] = 99;
            if (f == 170) pixels[1] = pixels[0];
        }));
        AssertRefused(path, "frame 170: pixel 10 is listed twice", SparseDetectorSource.ImmFormat);

        // A damaged payload before a truncated header: the payload is met first.
        var bytes = SparseImm(300, (f, pixels) => { if (f == 120) pixels[1] = -1; });
        File.WriteAllBytes(path, bytes[..^20]);
        AssertRefused(path, "frame 120: pixel index -1 is outside the 20-pixel frame", SparseDetectorSource.ImmFormat);
        File.WriteAllBytes(path, SparseImm(300)[..^20]);
        AssertRefused(path, "frame 299: truncated header (1016 of 1024 bytes)", SparseDetectorSource.ImmFormat);
    }

    /// <summary>A Rigaku 500K file of 600 000 records (several ranges, several pieces each), 200 per frame, odd frames empty.</summary>
    private static byte[] Rigaku(Func<int, ulong, ulong>? edit = null)
    {
        var bytes = new byte[8 * 600_000];
        for (int r = 0; r < 600_000; r++)
        {
            ulong record = ((ulong)(uint)(r / 200 * 2) << 40) | ((ulong)(uint)(r % 200 * 997) << 16) | (uint)(r % 7 + 1);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * r), edit is null ? record : edit(r, record));
        }
        return bytes;
    }

    [Fact]
    public void RigakuRecordsReadInParallelKeepTheirFrames()
    {
        using var temp = new TempFolder();
        string path = temp.File("long.bin");
        File.WriteAllBytes(path, Rigaku());
        var source = SparseDetectorSource.Open(SparseDetectorSource.Rigaku500kFormat, [path]);
        Assert.Equal(5999, source.Frames);
        var batch = source.ReadEvents(0, source.Frames);
        for (int f = 0; f < source.Frames; f++)
        {
            Assert.Equal(f % 2 == 0 ? 200 : 0, batch.FramePixels(f).Length);
            if (f % 2 == 0)
            {
                Assert.Equal(199 * 997, batch.FramePixels(f)[199]);
                Assert.Equal((f / 2 * 200 + 5) % 7 + 1, batch.FrameCounts(f)[5]);
            }
        }
    }

    [Fact]
    public void RigakuFaultsAreReportedInRecordOrder()
    {
        using var temp = new TempFolder();
        string path = temp.File("faults.bin");
        File.WriteAllBytes(path, Rigaku((r, record) => r is 450_000 or 200_001 ? record & ((1UL << 40) - 1) : record));
        AssertRefused(path, "record 200001: frame 0 after frame 2000 (frames must not decrease)", SparseDetectorSource.Rigaku500kFormat);
        File.WriteAllBytes(path, Rigaku((r, record) => r is 500_000 or 300_000 ? record | (600_000UL << 16) : record));
        AssertRefused(path, "record 300000: pixel index 600000 is outside the 512 x 1024 module", SparseDetectorSource.Rigaku500kFormat);
        File.WriteAllBytes(path, Rigaku((r, record) => r == 400_001 ? record & ~(0x1FFFFFUL << 16) : record));
        AssertRefused(path, "frame 4000: pixel 0 is listed twice", SparseDetectorSource.Rigaku500kFormat);
    }

    private static void AssertRefused(string path, string problem, string format)
    {
        var ex = Assert.Throws<DataContractException>(() => SparseDetectorSource.Open(format, [path]));
        Assert.Equal(path, ex.Source);
        Assert.Equal(problem, ex.Problem);
    }
}
