using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Bench;

/// <summary>
/// `detector-read DIR [repeats]`: read throughput of every detector HDF5 file in DIR (one per compression filter, as
/// bench/detector/read_throughput.sh writes them): the frames read through CloudXpcs's reader in batches of 64 frames,
/// best of the repeats, in MB/s of uncompressed pixel data, with the file's size.
/// </summary>
public static class DetectorReadThroughput
{
    public static int Run(string[] args)
    {
        string folder = args[1];
        int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        foreach (var path in Directory.EnumerateFiles(folder, "*.h5").Order(StringComparer.Ordinal))
        {
            double best = double.MaxValue;
            long bytes = 0;
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                using var reader = ChunkFileReader.OpenDetectorFile(path, SeriesRawFiles.DefaultDataset);
                var buffer = new uint[64 * reader.PixelsPerFrame];
                for (int first = 0; first < reader.FrameCount; first += 64)
                {
                    int count = Math.Min(64, reader.FrameCount - first);
                    reader.ReadFrames(first, count, buffer.AsSpan(0, count * reader.PixelsPerFrame));
                }
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
                bytes = (long)reader.FrameCount * reader.PixelsPerFrame * reader.DType.ByteSize();
            }
            Console.WriteLine(FormattableString.Invariant(
                $"cloudxpcs read {Path.GetFileNameWithoutExtension(path),-24} {bytes / 1e6,8:F1} MB in {new FileInfo(path).Length / 1e6,8:F1} MB file: {best,7:F3} s, {bytes / 1e6 / best,8:F0} MB/s"));
        }
        return 0;
    }
}
