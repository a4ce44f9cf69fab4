using CloudXpcs.Data.Results;
using CloudXpcs.Science.Correlation.TwoTime;

namespace CloudXpcs.Data.Tests.Results;

public sealed class TwoTimePartialFileTests
{
    private static TwoTimeResult Part()
    {
        double[] c2 = [1.5, 1.25, 1.25, 1.125 + 1e-15];
        return new TwoTimeResult(2, 3, 2, 0.01, [new TwoTimeBinMap(7, 40, 2, c2, [1.3, 1.25], 1, [Math.PI, double.NaN])]);
    }

    [Fact]
    public void A_bin_groups_maps_read_back_bit_for_bit()
    {
        var part = Part();
        using var stream = new MemoryStream();
        TwoTimePartialFile.Write(stream, part);
        stream.Position = 0;
        var back = TwoTimePartialFile.Read(stream, "g/000.maps");
        Assert.Equal((part.AverageFrames, part.StrideFrames, part.Frames, part.FrameTimeS), (back.AverageFrames, back.StrideFrames, back.Frames, back.FrameTimeS));
        var (map, read) = (part.Maps[0], Assert.Single(back.Maps));
        Assert.Equal((map.Bin, map.Pixels, map.Frames, map.Segments), (read.Bin, read.Pixels, read.Frames, read.Segments));
        Assert.Equal(map.C2, read.C2);
        Assert.Equal(map.G2, read.G2);
        Assert.Equal(map.G2Segments.Select(BitConverter.DoubleToInt64Bits), read.G2Segments.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_refused_naming_the_blob()
    {
        using var stream = new MemoryStream();
        TwoTimePartialFile.Write(stream, Part());
        var bytes = stream.ToArray();
        var truncated = Assert.Throws<DataContractException>(() => TwoTimePartialFile.Read(new MemoryStream(bytes[..^4]), "g/000.maps"));
        Assert.Contains("g/000.maps", truncated.Message);
        Assert.Contains("truncated", truncated.Message);
        bytes[0] = (byte)'X';
        Assert.Contains("not a CloudXpcs two-time partial file", Assert.Throws<DataContractException>(() => TwoTimePartialFile.Read(new MemoryStream(bytes), "g/000.maps")).Message);
    }
}
