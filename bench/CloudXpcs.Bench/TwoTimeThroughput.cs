using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Bench;

/// <summary>
/// `twotime [frames] [side] [bins: one|all] [mean]`: two-time correlation throughput on side × side uint16 frames of
/// Poisson-like random counts (the contract's example detector geometry, default q-map). "one" correlates the
/// populated bin with the most pixels, "all" every populated bin. Frames are generated batch by batch (not held).
/// The path is that of `correlate --twotime`: multi-tau beside two-time in one pass, every map held, then g2.h5 written
/// (to a temporary file, deleted); the cost stated up front (TwoTimeCost: memory and time) is printed beside the
/// measured peak working set and times.
/// </summary>
public static class TwoTimeThroughput
{
    public static int Run(string[] args)
    {
        int frames = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4096;
        int side = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 512;
        string which = args.Length > 3 ? args[3] : "one";
        double mean = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 1.0;
        var geometry = ReducedDetector.ContractExampleBinned(512 / side);
        var spec = new QMapSpec();
        var map = QMap.Build(geometry, spec, 0.0);
        int[] bins = which == "all"
            ? Enumerable.Range(0, map.DynamicBinCount).Where(b => map.DynamicPixelCounts[b] > 0).ToArray()
            : [Enumerable.Range(0, map.DynamicBinCount).MaxBy(b => map.DynamicPixelCounts[b])];
        var multiTauOptions = new MultiTauOptions();
        long multiTauBytes = ResourceBudget.EstimateBytes(frames, geometry.PixelCount, spec, multiTauOptions.DelaysPerLevel);
        var correlator = new TwoTimeCorrelator(map, frames, new TwoTimeOptions { Bins = bins }, rawValueBits: 16);
        var cost = correlator.Cost(Environment.ProcessorCount, multiTauBytes);
        Console.WriteLine(FormattableString.Invariant(
            $"twotime {side}x{side} x {frames} frames, {which} ({bins.Length} bins, {cost.Pixels} pixels): stated {cost.TotalBytes / 1048576.0:F0} MiB ({cost.CacheBytes / 1048576.0:F0} MiB frames, {cost.MapBytes / 1048576.0:F0} MiB maps, {cost.WorkBytes / 1048576.0:F0} MiB work, {cost.MultiTauBytes / 1048576.0:F0} MiB multi-tau), {cost.MultiplyAdds:E2} multiply-adds, about {cost.EstimatedSeconds:F0} s on {cost.Threads} cores"));
        int pixels = geometry.PixelCount, batch = Math.Max(1, (int)Math.Min(256, (64L << 20) / (2L * pixels)));
        var buffer = new ushort[batch * pixels];
        buffer.AsSpan().Fill(1);
        // What the process holds before anything that grows with the series: the runtime, the q-map, the frame batch.
        GC.Collect();
        long baseline = Process.GetCurrentProcess().WorkingSet64;
        using var multiTau = new MultiTauCorrelator(map, frames, multiTauOptions);
        var rng = new Random(1);
        var clock = new Stopwatch();
        var multiTauClock = new Stopwatch();
        for (int first = 0; first < frames; first += batch)
        {
            int count = Math.Min(batch, frames - first);
            var span = buffer.AsSpan(0, count * pixels);
            for (int i = 0; i < span.Length; i++) span[i] = (ushort)(rng.NextDouble() < mean / (1 + mean) ? 1 + (int)(rng.NextDouble() * 2 * mean) : 0);
            clock.Start();
            correlator.AddFrames<ushort>(span);
            clock.Stop();
            multiTauClock.Start();
            multiTau.AddFrames<ushort>(span);
            multiTauClock.Stop();
        }
        double addSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var twoTime = TwoTimeResult.Of(correlator, 0.001);
        double mapSeconds = clock.Elapsed.TotalSeconds;
        double checksum = twoTime.Maps.Sum(m => m.G2[1]);
        double total = addSeconds + mapSeconds;
        string path = Path.Combine(Path.GetTempPath(), $"cloudxpcs-twotime-bench-{Environment.ProcessId}.h5");
        clock.Restart();
        try { G2FileWriter.Write(path, multiTau.ToResult(0.001), twoTime: twoTime); }
        finally { File.Delete(path); }
        double writeSeconds = clock.Elapsed.TotalSeconds;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine(FormattableString.Invariant(
            $"cloudxpcs twotime: {total:F2} s ({addSeconds:F2} s frames in, {mapSeconds:F2} s maps), {frames / total:F1} frames/s, {cost.MultiplyAdds / mapSeconds / 1e9:F2} G multiply-adds/s in the maps; multi-tau beside {multiTauClock.Elapsed.TotalSeconds:F2} s, g2.h5 written in {writeSeconds:F2} s; peak working set {peak / 1048576.0:F0} MiB = {baseline / 1048576.0:F0} MiB before the correlators + {(peak - baseline) / 1048576.0:F0} MiB, stated {cost.TotalBytes / 1048576.0:F0} MiB ({100.0 * (peak - baseline) / cost.TotalBytes:F0} % of it measured) (g2[1] sum {checksum:F6})"));
        return 0;
    }
}
