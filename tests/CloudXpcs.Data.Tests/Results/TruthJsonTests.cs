using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Results;

public sealed class TruthJsonTests
{
    /// <summary>
    /// truth.json is uploaded with a simulated beamtime and raw blobs are immutable: a simulation run again (the demo on a
    /// machine that ran it before) must write the bytes it always wrote, '+' in series names escaped as before.
    /// </summary>
    [Fact]
    public void A_beamtime_truth_is_written_byte_for_byte_as_before_and_reads_back()
    {
        using var temp = new TempFolder();
        var truth = new SyntheticBeamtimeTruth("RS", [new SyntheticSeriesTruth("x+0.20_t0060", 0.2, 60, 39.5)]);
        TruthJson.WriteBeamtime(temp.Path, truth);
        Assert.Equal(
            "{\n  \"transport_set\": \"RS\",\n  \"series\": [\n    {\n      \"series\": \"x\\u002B0.20_t0060\",\n" +
            "      \"position_mm\": 0.2,\n      \"time_min\": 60,\n      \"speed_A_per_s\": 39.5\n    }\n  ]\n}",
            File.ReadAllText(Path.Combine(temp.Path, TruthJson.FileName)));
        var read = TruthJson.ReadBeamtime(temp.Path);
        Assert.Equal("RS", read.TransportSet);
        Assert.Equal(truth.Series, read.Series);
    }
}
