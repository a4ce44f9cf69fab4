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

    public static ushort[] PoissonFrames(int frames, int pixels, double mean, int seed)
    {
        var data = new ushort[(long)frames * pixels];
        for (int t = 0; t < frames; t++)
        {
            var rng = new Random(seed * 1_000_003 + t);
            double limit = Math.Exp(-mean);
            var span = data.AsSpan(t * pixels, pixels);
            for (int i = 0; i < span.Length; i++)
            {
                int k = 0;
                double p = rng.NextDouble();
                while (p > limit) { p *= rng.NextDouble(); k++; }
                span[i] = (ushort)k;
            }
        }
        return data;
    }

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
            using var correlator = new MultiTauCorrelator(map, frames, new MultiTauOptions { MaxDegreeOfParallelism = threads });
            for (int t = 0; t < frames; t += batchFrames)
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
