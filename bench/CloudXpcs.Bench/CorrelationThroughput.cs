using System.Diagnostics;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Bench;

/// <summary>
/// Correlation throughput from frames in memory to g2 (PERFORMANCE_ANCHORS.md): dense 512×512 uint16 frames,
/// every pixel binned, Poisson counts at a chosen mean, reported as pixel-frames per second with peak memory.
/// </summary>
public static class CorrelationThroughput
{
    /// <summary>The benchmark process is the host: its correlators share one pool of state memory.</summary>
    private static readonly CorrelatorStatePool StatePool = new();

    public sealed record Figures(string Case, int Rows, int Cols, int Frames, double MeanCount, int Threads,
        double Seconds, double CpuSeconds, double PixelFramesPerSecond, long PeakWorkingSetBytes, long FrameBytes, long StateBytes,
        double FirstRunSeconds, double FinalizeSeconds);

    public static QMap AllPixelsMap(int rows, int cols)
    {
        var geometry = new DetectorGeometry(rows, cols, 75e-6, 8.0, rows / 2.0 + 0.5, cols / 2.0 + 0.5, 10.9);
        double qMax = 0;
        for (int r = 0; r < rows; r += Math.Max(1, rows - 1))
        for (int c = 0; c < cols; c += Math.Max(1, cols - 1)) qMax = Math.Max(qMax, geometry.QInvA(r, c));
        return QMap.Build(geometry, new QMapSpec(0.0, qMax * 1.0001, 9, 18, 4));
    }

    /// <summary>Poisson counts by inverse CDF from a SplitMix64 stream: deterministic, and fast enough for gigabytes of frames.</summary>
    public static ushort[] PoissonFrames(int frames, int pixels, double mean, int seed)
    {
        var cdf = new List<double>();
        double p = Math.Exp(-mean), sum = p;
        for (int k = 0; sum < 1 - 1e-15 && k < 1000; k++)
        {
            cdf.Add(sum);
            p *= mean / (k + 1);
            sum += p;
        }
        var table = cdf.ToArray();
        var data = new ushort[(long)frames * pixels];
        Parallel.For(0, frames, t =>
        {
            ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)t * 0xBF58476D1CE4E5B9UL;
            var span = data.AsSpan(t * pixels, pixels);
            for (int i = 0; i < span.Length; i++)
            {
                ulong z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                double u = (z >> 11) * (1.0 / (1UL << 53));
                int k = 0;
                while (k < table.Length && u > table[k]) k++;
                span[i] = (ushort)k;
            }
        });
        return data;
    }

    /// <summary>Every frame at once (as memory-mapped chunks are): the correlator's whole-series path.</summary>
    private static unsafe void WholeSeries(MultiTauCorrelator correlator, ushort[] data, int frames)
    {
        fixed (ushort* frames0 = data) correlator.CorrelateWholeSeries<ushort>([new FrameBlockAddress((nint)frames0, frames)]);
    }

    /// <param name="batchFrames">Frames per AddFrames call; 0: the whole series at once (CorrelateWholeSeries).</param>
    public static Figures Run(string name, int rows, int cols, int frames, double mean, int threads, int batchFrames, int repeats)
    {
        var map = AllPixelsMap(rows, cols);
        int pixels = rows * cols;
        var data = PoissonFrames(frames, pixels, mean, 7);
        double best = double.MaxValue, bestCpu = double.MaxValue, first = double.NaN, finalize = double.NaN;
        long stateBytes = 0;
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            using var correlator = new MultiTauCorrelator(map, frames, new MultiTauOptions { MaxDegreeOfParallelism = threads, StatePool = StatePool });
            if (batchFrames <= 0) WholeSeries(correlator, data, frames);
            for (int t = 0; batchFrames > 0 && t < frames; t += batchFrames)
            {
                int n = Math.Min(batchFrames, frames - t);
                correlator.AddFrames<ushort>(data.AsSpan(t * pixels, n * pixels));
            }
            var streamed = sw.Elapsed;
            var result = correlator.ToResult(0.2);
            stateBytes = correlator.StateBytes;
            sw.Stop();
            if (double.IsNaN(result.G2[0])) throw new InvalidOperationException("empty first bin");
            process.Refresh();
            if (r == 0) first = sw.Elapsed.TotalSeconds;
            if (sw.Elapsed.TotalSeconds < best) finalize = (sw.Elapsed - streamed).TotalSeconds;
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu0).TotalSeconds);
        }
        return new Figures(name, rows, cols, frames, mean, threads, best, bestCpu, (double)pixels * frames / best,
            Process.GetCurrentProcess().PeakWorkingSet64, 2L * data.LongLength, stateBytes, first, finalize);
    }
}
