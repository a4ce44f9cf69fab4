using System.Numerics;

namespace CloudXpcs.Data.Hdf5;

/// <summary>Reading a range of series frames that spans files (contract chunks or a detector's data files), file by file.</summary>
internal static class FramesAcrossFiles
{
    /// <summary>
    /// Frames [<paramref name="firstFrame"/>, +<paramref name="frameCount"/>) of a series of <paramref name="totalFrames"/>
    /// held in <paramref name="files"/> (ordered by FirstFrame) into <paramref name="destination"/>; <paramref name="readerFor"/>
    /// gives the open reader of a file.
    /// </summary>
    public static void Read<TPixel>(IReadOnlyList<ChunkFileInfo> files, int totalFrames, int pixels, int firstFrame, int frameCount,
        Span<TPixel> destination, Func<ChunkFileInfo, ChunkFileReader> readerFor) where TPixel : unmanaged, INumber<TPixel>
    {
        if (firstFrame < 0 || frameCount < 0 || (long)firstFrame + frameCount > totalFrames)
            throw new ArgumentOutOfRangeException(nameof(frameCount), $"frames {firstFrame}..{(long)firstFrame + frameCount} outside 0..{totalFrames}");
        if (destination.Length < (long)frameCount * pixels)
            throw new ArgumentException($"destination holds {destination.Length} values, {(long)frameCount * pixels} needed", nameof(destination));
        int done = 0;
        while (done < frameCount)
        {
            int frame = firstFrame + done;
            var file = FileOfFrame(files, frame);
            int inFile = frame - file.FirstFrame;
            int count = Math.Min(frameCount - done, file.FrameCount - inFile);
            readerFor(file).ReadFrames(inFile, count, destination.Slice(done * pixels, count * pixels));
            done += count;
        }
    }

    private static ChunkFileInfo FileOfFrame(IReadOnlyList<ChunkFileInfo> files, int frame)
    {
        int lo = 0, hi = files.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (files[mid].FirstFrame <= frame) lo = mid; else hi = mid - 1;
        }
        return files[lo];
    }
}
