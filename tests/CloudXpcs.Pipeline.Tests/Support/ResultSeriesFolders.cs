using System.Text.Json.Nodes;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Pipeline.Tests.Support;

/// <summary>Beamtime folders with series given as result files (series.json "result"), for the offline and pipeline tests.</summary>
public static class ResultSeriesFolders
{
    public const string Beamtime = "given";

    /// <summary>A small flowing beamtime (5 positions at one time, 64 × 64 px, 256 frames, one transport set) and its fastest series.</summary>
    public static (SyntheticBeamtime Beamtime, SyntheticSeriesTruth Fastest) SmallBeamtime(string folder)
    {
        var beamtime = SyntheticBeamtimeWriter.Write(folder, new SyntheticBeamtimeSpec
        {
            Beamtime = Beamtime, Frames = 256, DetectorBinning = 8, SeriesTimesMin = [300], XamTimesMin = [0, 314], Seed = 5, TransportSets = ["RS"],
        });
        return (beamtime, beamtime.Series.MaxBy(s => Math.Abs(s.SpeedAPerS))!);
    }

    /// <summary>xpcs/{series}/series.json naming <paramref name="resultFileName"/>; returns the series folder.</summary>
    public static string WriteSeriesJson(string beamtimeFolder, string series, string resultFileName, double positionMm, double timeMin)
    {
        string folder = Path.Combine(beamtimeFolder, "xpcs", series);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "series.json"), new JsonObject
        {
            ["schema"] = "cloudxpcs.series/1", ["beamtime"] = Beamtime, ["series"] = series, ["result"] = resultFileName,
            ["position_mm"] = positionMm, ["polarization_time_min"] = timeMin,
        }.ToJsonString());
        return folder;
    }

    /// <summary>fit.json without the fields that name the series or its g2 source: what must be equal between a raw series and its result file.</summary>
    public static string FitNumbers(string fitJson)
    {
        var node = JsonNode.Parse(fitJson)!.AsObject();
        node.Remove("series");
        node.Remove("g2_source");
        return node.ToJsonString();
    }
}
