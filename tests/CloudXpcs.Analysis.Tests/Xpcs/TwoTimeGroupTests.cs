using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>
/// The two-time of a bin group alone (a pipeline run's bin-group activity, <see cref="SeriesCorrelation.CorrelateTwoTime"/>):
/// the groups merged equal the maps correlated with multi-tau in one pass, bit for bit; the budget is checked first.
/// </summary>
public sealed class TwoTimeGroupTests
{
    [Fact]
    public void Bin_groups_correlated_alone_and_merged_equal_the_one_pass_maps_and_a_group_beyond_the_budget_is_refused()
    {
        using var folder = new TempFolder();
        string series = Path.Combine(folder.Path, "series");
        SyntheticSeriesWriter.Write(series, "bt", "series", new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 128, FrameTimeS = 0.1, SpeedAPerS = 30, Tau0S = 5,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, MeanCountsPerPixelPerFrame = 0.5, Seed = 4,
        }, chunks: 2);
        var all = new TwoTimeOptions { Bins = [26, 44, 45], AverageFrames = 2 };
        var (_, onePass) = SeriesCorrelation.CorrelateWithTwoTime(series, new SeriesCorrelationOptions { TwoTime = all });
        var merged = TwoTimeResult.Merge([
            SeriesCorrelation.CorrelateTwoTime(series, new SeriesCorrelationOptions { TwoTime = all with { Bins = [44, 45] } }),
            SeriesCorrelation.CorrelateTwoTime(series, new SeriesCorrelationOptions { TwoTime = all with { Bins = [26] } }),
        ]);
        Assert.Equal(onePass!.Maps.Select(m => m.Bin), merged.Maps.Select(m => m.Bin));
        for (int k = 0; k < merged.Maps.Count; k++)
        {
            Assert.Equal(onePass.Maps[k].C2, merged.Maps[k].C2);
            Assert.Equal(onePass.Maps[k].G2, merged.Maps[k].G2);
        }

        var refused = Assert.Throws<DataContractException>(() => SeriesCorrelation.CorrelateTwoTime(series,
            new SeriesCorrelationOptions { TwoTime = all, Budget = new ResourceBudget(MaxMemoryBytes: 1024) }));
        Assert.Contains("series.json", refused.Message);
        Assert.Contains("beyond the budget", refused.Message);
    }
}
