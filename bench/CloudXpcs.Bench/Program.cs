using System.Globalization;
using BenchmarkDotNet.Running;

namespace CloudXpcs.Bench;

public static class Program
{
    /// <summary>
    /// `correlation [frames] [mean] [threads] [batch] [side] [repeats]` runs the correlation throughput measurement;
    /// `dense-series DIR [frames] [side] [mean] [chunks] [layout]` writes those frames as a series folder (see DenseSeriesWriter);
    /// `sparse-correlation [side] [frames] [mean,...] [repeats]` the event path against the dense path (see SparseCorrelationThroughput);
    /// `pipeline [series] [frames] [workers,...] [reprocess]` the durable pipeline on Azurite (see PipelineThroughput);
    /// `scale-out CLI.dll [series] [frames] [processes,...] [workers]` `run` with worker processes on its task hub (see ScaleOutThroughput);
    /// `speed-coverage [seeds] [firstSeed] [QxPHI,...] [side] [frames]` the calibration of the speed's error bar (see SpeedCoverage);
    /// anything else goes to BenchmarkDotNet's switcher (e.g. `--filter *Continuum*`).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "correlation")
        {
            int frames = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4096;
            double mean = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1.0;
            int threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
            int batch = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 512;
            int side = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 512;
            int repeats = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 3;
            var f = CorrelationThroughput.Run($"mean {mean}", side, side, frames, mean, threads, batch, repeats);
            Console.WriteLine(FormattableString.Invariant(
                $"cloudxpcs correlate: {f.Rows}x{f.Cols} x {f.Frames} frames, mean {f.MeanCount}, {f.Threads} threads, {(batch > 0 ? $"batch {batch}" : "whole series at once")}: best of {repeats} {f.Seconds:F3} s wall, {f.CpuSeconds:F3} s CPU, {f.PixelFramesPerSecond:E3} pixel-frames/s, of which finalization {f.FinalizeSeconds:F3} s (first run in the process, state memory not yet pooled: {f.FirstRunSeconds:F3} s, {(double)f.Rows * f.Cols * f.Frames / f.FirstRunSeconds:E3} pixel-frames/s), peak working set {f.PeakWorkingSetBytes / 1048576.0:F0} MiB (frames in memory {f.FrameBytes / 1048576.0:F0} MiB, correlator state {f.StateBytes / 1048576.0:F0} MiB)"));
            return 0;
        }
        if (args.Length > 0 && args[0] == "dense-series") return DenseSeriesWriter.Run(args);
        if (args.Length > 0 && args[0] == "detector-read") return DetectorReadThroughput.Run(args);
        if (args.Length > 0 && args[0] == "sparse-correlation") return SparseCorrelationThroughput.Run(args);
        if (args.Length > 0 && args[0] == "pipeline") return PipelineThroughput.RunAsync(args).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "scale-out") return ScaleOutThroughput.RunAsync(args).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "live-latency") return LiveLatency.RunAsync(args).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "series-latency") return SeriesLatency.RunAsync(args).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "speed-coverage") return SpeedCoverage.Run(args);
        if (args.Length > 0 && args[0] == "twotime") return TwoTimeThroughput.Run(args);
        if (args.Length > 0 && args[0] == "null-claims") return NullClaims.Run(args);
        if (args.Length > 0 && args[0] == "speed-coverage-g2") return SpeedCoverage.RunSyntheticG2(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
