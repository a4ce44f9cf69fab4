using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Tests.Support;

/// <summary>Small deterministic series for I/O tests.</summary>
public static class TestSeries
{
    public static SeriesManifest Manifest(int frames = 10, int chunks = 3, int rows = 6, int cols = 5, string? mask = null) => new()
    {
        Beamtime = "testbeamtime",
        Series = "x0.00_t0000",
        Frames = frames,
        Chunks = chunks,
        FrameTimeS = 0.1,
        PositionMm = 0.0,
        PolarizationTimeMin = 0.0,
        Detector = new DetectorGeometry(rows, cols, 75e-6, 8.0, rows / 2.0, cols / 2.0, 10.9),
        FlowAxisDeg = 0.0,
        MaskPath = mask,
    };

    /// <summary>Largest test value per dtype: close to the top of the range, to show nothing is clipped.</summary>
    public static double MaxValue(FrameDType dtype) => dtype switch
    {
        FrameDType.UInt8 => 255,
        FrameDType.Int8 => 127,
        FrameDType.UInt16 => 65535,
        FrameDType.Int16 => 32767,
        FrameDType.UInt32 => 4_294_967_295,
        FrameDType.Int32 => 2_147_483_647,
        _ => 1_000_000,
    };

    /// <summary>Pixel p of series frame f: spread over 0..MaxValue, half-integers for float32.</summary>
    public static double Value(FrameDType dtype, int frame, int pixel)
    {
        ulong hash = (ulong)(frame * 131 + pixel * 71 + 1) * 2654435761UL;
        double v = hash % ((ulong)MaxValue(dtype) + 1);
        return dtype == FrameDType.Float32 ? v + 0.5 : v;
    }

    public static double[] Frames(FrameDType dtype, int firstFrame, int count, int pixels)
    {
        var values = new double[count * pixels];
        for (int f = 0; f < count; f++)
            for (int p = 0; p < pixels; p++) values[f * pixels + p] = Value(dtype, firstFrame + f, p);
        return values;
    }

    /// <summary>Writes a whole series folder with <see cref="SeriesFolderWriter"/>, frame by frame.</summary>
    public static void WriteFolder(string folder, SeriesManifest manifest, FrameDType dtype, ChunkStorageLayout layout)
    {
        var writer = new SeriesFolderWriter(folder, manifest, dtype, layout);
        for (int f = 0; f < manifest.Frames; f++) writer.AppendFrame<double>(Frames(dtype, f, 1, manifest.PixelsPerFrame));
        writer.Complete();
    }

    public static double BatchValue(FrameBatch batch, int index) => batch.PixelType switch
    {
        FramePixelType.UInt16 => (double)batch.UInt16Pixels[index],
        FramePixelType.UInt32 => (double)batch.UInt32Pixels[index],
        _ => (double)batch.Float32Pixels[index],
    };

    /// <summary>Reads every frame through <see cref="SeriesFrameSource.ReadBatches"/> and compares each pixel with <see cref="Value"/>.</summary>
    public static void AssertFolderHoldsTestValues(string folder, FrameDType dtype, int batchFrames = 4)
    {
        using var source = SeriesFrameSource.Open(folder);
        Assert.Equal(dtype.PixelType(), source.PixelType);
        int pixels = source.PixelsPerFrame;
        int next = 0;
        foreach (var batch in source.ReadBatches(batchFrames))
        {
            Assert.Equal(next, batch.FirstFrame);
            Assert.InRange(batch.FrameCount, 1, batchFrames);
            Assert.Equal(batch.FrameCount * pixels, batch.PixelType switch
            {
                FramePixelType.UInt16 => batch.UInt16Pixels.Length,
                FramePixelType.UInt32 => batch.UInt32Pixels.Length,
                _ => batch.Float32Pixels.Length,
            });
            for (int f = 0; f < batch.FrameCount; f++)
                for (int p = 0; p < pixels; p++)
                    Assert.Equal(Value(dtype, next + f, p), BatchValue(batch, f * pixels + p));
            next += batch.FrameCount;
        }
        Assert.Equal(source.Frames, next);
    }
}
