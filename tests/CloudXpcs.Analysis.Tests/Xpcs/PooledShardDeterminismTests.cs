using System.Security.Cryptography;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>
/// A pipeline worker correlates pixel shards of many series one after another with one state pool: a shard's partial
/// sums must not depend on what the pool's memory held before (the kill-point tests compare a resumed run, whose
/// worker saw another order of shards, with a fault-free one byte for byte).
/// </summary>
public sealed class PooledShardDeterminismTests
{
    [Fact]
    public void Every_shard_gives_the_same_sums_whatever_the_pool_correlated_before()
    {
        using var temp = new TempFolder();
        var beamtime = SyntheticBeamtimeWriter.Write(temp.File("bt"), new SyntheticBeamtimeSpec
        {
            Beamtime = "bt", Frames = 256, Seed = 5, SeriesTimesMin = [60], XamTimesMin = [0, 151],
        });
        var folders = Directory.GetDirectories(Path.Combine(beamtime.Folder, "xpcs")).Order(StringComparer.Ordinal).ToList();
        var work = folders.SelectMany(f => new[] { (f, 0), (f, 1) }).ToList();

        string Sums((string Folder, int Shard) item, CorrelatorStatePool? pool)
        {
            var manifest = CloudXpcs.Data.Manifests.SeriesManifest.Load(Path.Combine(item.Folder, "series.json"));
            long pixels = manifest.PixelsPerFrame;
            var sums = SeriesCorrelation.CorrelatePartial(item.Folder, new SeriesCorrelationOptions
            {
                Threads = 1, StatePool = pool,
                PixelStart = (int)(pixels * item.Shard / 2), PixelEnd = (int)(pixels * (item.Shard + 1) / 2),
            }, null, out _);
            using var stream = new MemoryStream();
            PartialSumsFile.Write(stream, sums);
            return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
        }

        var fresh = work.ToDictionary(w => w, w => Sums(w, null));
        foreach (int seed in new[] { 1, 2, 3 })
        {
            using var pool = new CorrelatorStatePool();
            foreach (var item in work.OrderBy(_ => Random.Shared.Next()).ToList())
                Assert.True(fresh[item] == Sums(item, pool), $"{Path.GetFileName(item.Item1)} shard {item.Item2} differs after pooled state (order {seed})");
        }
    }
}
