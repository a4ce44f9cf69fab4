using System.Diagnostics;
using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Bench;

/// <summary>
/// The event path against the dense path on the same Poisson frames (512×512 uint16, every pixel binned): frames given
/// as event lists (<see cref="MultiTauCorrelator.AddEvents"/>), the same frames dense with the event path off, and
/// dense with the automatic choice. Reports pixel-frames per second of each and whether the g2 are bit-identical.
/// The event lists are made batch by batch outside the timed part (as a reader delivers them).
/// </summary>
public static class SparseCorrelationThroughput
{
    private static readonly CorrelatorStatePool StatePool = new();

    public static int Run(string[] args)
    {
        int side = args.Length > 1 ? int.Parse(args[1]) : 512;
        int frames = args.Length > 2 ? int.Parse(args[2]) : 4096;
        var means = args.Length > 3 ? args[3].Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [0.001, 0.01, 0.1, 1.0];
        int repeats = args.Length > 4 ? int.Parse(args[4]) : 2;
        // Optional: the paths to time (dense, events, auto; default all), e.g. "events" alone for a profile.
        var only = args.Length > 5 ? args[5].Split(',') : null;
        const int batch = 1024;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        var map = CorrelationThroughput.AllPixelsMap(side, side);
        int pixels = side * side;
        double pixelFrames = (double)pixels * frames;
        foreach (double mean in means)
        {
            var data = CorrelationThroughput.PoissonFrames(frames, pixels, mean, 7);
            long events = 0;
            foreach (var v in data) if (v != 0) events++;
            // As a reader delivers them: long batches of events (EventSeriesCorrelation.BatchFrames) while they are few.
            // Made once, outside the timed part (the correlator keeps but never changes them).
            int eventBatch = mean <= 0.01 ? 16384 : batch;
            var eventBatches = new List<PhotonEventBatch>();
            if (only is null || only.Contains("events"))
                for (int t = 0; t < frames; t += eventBatch)
                    eventBatches.Add(PhotonEventBatch.FromDense(data.AsSpan(t * pixels, Math.Min(eventBatch, frames - t) * pixels), pixels));
            // The paths take turns within each repeat (dense, events, automatic), so a change of load on a shared machine
            // falls on all of them alike; each keeps its best.
            var paths = new (Func<MultiTauCorrelator, TimeSpan> Feed, bool EventPath, string Name)[] { (Dense, false, "dense"), (Events, true, "events"), (Dense, true, "auto") }
                .Where(p => only is null || only.Contains(p.Name)).ToArray();
            var best = paths.Select(_ => (Seconds: double.MaxValue, Result: (MultiTauResult?)null, Finalize: 0.0)).ToArray();
            // Process CPU time (user + system) per path, least of the repeats: on a shared machine it tells more than the wall time.
            var cpu = paths.Select(_ => double.MaxValue).ToArray();
            var process = Process.GetCurrentProcess();
            for (int r = 0; r < repeats; r++)
                for (int i = 0; i < paths.Length; i++)
                {
                    using var correlator = new MultiTauCorrelator(map, frames, new MultiTauOptions { StatePool = StatePool, EventPathForSparseFrames = paths[i].EventPath });
                    process.Refresh();
                    var cpu0 = process.TotalProcessorTime;
                    var fed = paths[i].Feed(correlator);
                    var sw = Stopwatch.StartNew();
                    var result = correlator.ToResult(0.2);
                    process.Refresh();
                    cpu[i] = Math.Min(cpu[i], (process.TotalProcessorTime - cpu0).TotalSeconds);
                    double seconds = (fed + sw.Elapsed).TotalSeconds;
                    if (seconds < best[i].Seconds) best[i] = (seconds, result, sw.Elapsed.TotalSeconds);
                }
            TimeSpan Dense(MultiTauCorrelator c)
            {
                var sw = Stopwatch.StartNew();
                for (int t = 0; t < frames; t += batch) c.AddFrames<ushort>(data.AsSpan(t * pixels, Math.Min(batch, frames - t) * pixels));
                return sw.Elapsed;
            }
            TimeSpan Events(MultiTauCorrelator c)
            {
                var sw = Stopwatch.StartNew();
                foreach (var events in eventBatches) c.AddEvents(events);
                return sw.Elapsed;
            }
            (double Seconds, MultiTauResult Result, double Finalize) Best(string name)
            {
                int i = Array.FindIndex(paths, p => p.Name == name);
                return i < 0 ? (double.NaN, best[0].Result!, double.NaN) : (best[i].Seconds, best[i].Result!, best[i].Finalize);
            }
            var dense = Best("dense");
            var sparse = Best("events");
            var auto = Best("auto");
            string cpuLine = string.Join(", ", paths.Select((p, i) => $"{p.Name} {cpu[i]:F3} s"));
            bool same = SameBits(dense.Result.G2, sparse.Result.G2) && SameBits(dense.Result.G2Err, sparse.Result.G2Err);
            bool autoSame = SameBits(dense.Result.G2, auto.Result.G2) && SameBits(dense.Result.G2Err, auto.Result.G2Err);
            Console.WriteLine(
                $"mean {mean}: {side}x{side} x {frames} frames, {events} events ({(double)events / pixelFrames:P2} of pixel-frames), best of {repeats}: "
                + $"events {sparse.Seconds:F3} s {pixelFrames / sparse.Seconds:E3} pixel-frames/s | dense {dense.Seconds:F3} s {pixelFrames / dense.Seconds:E3} pixel-frames/s | "
                + $"dense frames, automatic choice {auto.Seconds:F3} s {pixelFrames / auto.Seconds:E3} pixel-frames/s | events {dense.Seconds / sparse.Seconds:F1}x dense | "
                + $"finalization: dense {dense.Finalize:F3} s, events {sparse.Finalize:F3} s (a whole series of events is correlated there) | CPU time: {cpuLine} | g2 and g2_err bit-identical: events {same}, automatic {autoSame}");
            if (!same || !autoSame) return 1;
        }
        return 0;
    }

    private static bool SameBits(double[] a, double[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => BitConverter.DoubleToInt64Bits(p.First) == BitConverter.DoubleToInt64Bits(p.Second));
}
