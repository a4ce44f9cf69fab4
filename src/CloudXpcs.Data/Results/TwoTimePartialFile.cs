using System.Runtime.InteropServices;
using CloudXpcs.Science.Correlation.TwoTime;

namespace CloudXpcs.Data.Results;

/// <summary>
/// The two-time maps of one bin group as a little-endian binary file (doubles as computed), so that groups correlated
/// by separate activities merge exactly (<see cref="TwoTimeResult.Merge"/>).
/// </summary>
public static class TwoTimePartialFile
{
    private const string Magic = "CXTWOT01";

    public static void Write(Stream stream, TwoTimeResult part)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write(Magic.ToCharArray());
        w.Write(part.AverageFrames);
        w.Write(part.StrideFrames);
        w.Write(part.Frames);
        w.Write(part.FrameTimeS);
        w.Write(part.Maps.Count);
        foreach (var map in part.Maps)
        {
            w.Write(map.Bin);
            w.Write(map.Pixels);
            w.Write(map.Frames);
            w.Write(map.Segments);
            foreach (var array in new[] { map.C2, map.G2, map.G2Segments })
            {
                w.Write(array.LongLength);
                w.Write(MemoryMarshal.AsBytes(array.AsSpan()));
            }
        }
    }

    public static TwoTimeResult Read(Stream stream, string source)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        try
        {
            if (new string(r.ReadChars(Magic.Length)) != Magic) throw new DataContractException(source, "is not a CloudXpcs two-time partial file");
            int avg = r.ReadInt32(), stride = r.ReadInt32(), frames = r.ReadInt32();
            double frameTimeS = r.ReadDouble();
            int count = r.ReadInt32();
            if (avg < 1 || stride < 1 || frames < 0 || count < 0) throw new DataContractException(source, "has a corrupt header");
            var maps = new List<TwoTimeBinMap>(count);
            for (int m = 0; m < count; m++)
            {
                int bin = r.ReadInt32(), pixels = r.ReadInt32(), mapFrames = r.ReadInt32(), segments = r.ReadInt32();
                if (mapFrames != frames || segments < 1) throw new DataContractException(source, $"map {m} has {mapFrames} frames, the file {frames}");
                var c2 = ReadDoubles(r, (long)frames * frames, source);
                var g2 = ReadDoubles(r, frames, source);
                maps.Add(new TwoTimeBinMap(bin, pixels, mapFrames, c2, g2, segments, ReadDoubles(r, -1, source)));
            }
            if (stream.CanSeek && stream.Position != stream.Length) throw new DataContractException(source, "has trailing bytes");
            return new TwoTimeResult(avg, stride, frames, frameTimeS, maps);
        }
        catch (EndOfStreamException)
        {
            throw new DataContractException(source, "is truncated");
        }
    }

    private static double[] ReadDoubles(BinaryReader r, long expected, string source)
    {
        long length = r.ReadInt64();
        if (length < 0 || (expected >= 0 && length != expected) || length > int.MaxValue / 8)
            throw new DataContractException(source, $"holds an array of {length} values where {expected} were expected");
        var values = new double[length];
        PartialSumsFile.Fill(r, MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
