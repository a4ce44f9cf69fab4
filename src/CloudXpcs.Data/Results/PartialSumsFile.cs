using System.Runtime.InteropServices;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Results;

/// <summary>
/// The partial sums of one pixel shard as a little-endian binary file, so that shards correlated by separate
/// activities can be merged exactly. The q-map is not stored: the reader rebuilds it from series.json and checks
/// the sizes.
/// </summary>
public static class PartialSumsFile
{
    private const string Magic = "CXPSUMS1";

    public static void Write(Stream stream, CorrelationPartialSums sums)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write(Magic.ToCharArray());
        w.Write(sums.Frames);
        w.Write(sums.Lags.Count);
        w.Write(sums.QMap.StaticBinCount);
        w.Write(sums.QMap.DynamicBinCount);
        w.Write(sums.PixelSum.Length);
        w.Write(sums.BinnedIntensitySum.Length);
        foreach (var array in Doubles(sums)) w.Write(MemoryMarshal.AsBytes(array.AsSpan()));
        w.Write(MemoryMarshal.AsBytes(sums.StaticPixels.AsSpan()));
        w.Write(MemoryMarshal.AsBytes(sums.RatioCount.AsSpan()));
    }

    public static CorrelationPartialSums Read(Stream stream, QMap qmap, IReadOnlyList<MultiTauLag> lags, string source)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        try
        {
            if (new string(r.ReadChars(Magic.Length)) != Magic) throw new DataContractException(source, "is not a CloudXpcs partial-sums file");
            long frames = r.ReadInt64();
            int nTau = r.ReadInt32(), staticBins = r.ReadInt32(), dynamicBins = r.ReadInt32(), pixels = r.ReadInt32(), intensity = r.ReadInt32();
            if (nTau != lags.Count || staticBins != qmap.StaticBinCount || dynamicBins != qmap.DynamicBinCount || pixels != qmap.PixelCount
                || intensity != frames)
                throw new DataContractException(source,
                    $"holds sums for {nTau} delays, {staticBins}/{dynamicBins} bins, {pixels} pixels, which do not match the series' q-map and ladder");
            var sums = CorrelationPartialSums.CreateEmpty(qmap, frames, lags);
            foreach (var array in Doubles(sums)) Fill(r, MemoryMarshal.AsBytes(array.AsSpan()));
            Fill(r, MemoryMarshal.AsBytes(sums.StaticPixels.AsSpan()));
            Fill(r, MemoryMarshal.AsBytes(sums.RatioCount.AsSpan()));
            if (stream.CanSeek && stream.Position != stream.Length) throw new DataContractException(source, "has trailing bytes");
            return sums;
        }
        catch (EndOfStreamException)
        {
            throw new DataContractException(source, "is truncated");
        }
    }

    private static double[][] Doubles(CorrelationPartialSums s) =>
        [s.StaticG2Sum, s.StaticIpSum, s.StaticIfSum, s.RatioMean, s.RatioM2, s.PixelSum, s.BinnedIntensitySum];

    internal static void Fill(BinaryReader reader, Span<byte> target)
    {
        while (target.Length > 0)
        {
            int read = reader.Read(target);
            if (read == 0) throw new EndOfStreamException();
            target = target[read..];
        }
    }
}
