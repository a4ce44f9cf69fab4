using System.Text;
using CloudXpcs.Functions.Http;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Functions.Tests;

public sealed class TwoTimeRunParametersTests
{
    [Fact]
    public void A_run_request_with_two_time_is_parsed_and_its_bad_values_are_refused_with_the_field_named()
    {
        var ok = RunRequestValidation.ParseRunParameters(Encoding.UTF8.GetBytes(
            """{"twotime": {"bins": [0, 3], "avg_frame": 2, "stride_frame": 3, "age_windows": 5, "bin_groups": 2}}"""));
        Assert.True(ok.IsValid, ok.Error);
        Assert.Equal([0, 3], ok.Value!.TwoTime!.Bins!);
        Assert.Equal((2, 3, 5, 2), (ok.Value.TwoTime.AverageFrames, ok.Value.TwoTime.StrideFrames, ok.Value.TwoTime.AgeWindows, ok.Value.TwoTime.BinGroups));
        var defaults = RunRequestValidation.ParseRunParameters(Encoding.UTF8.GetBytes("""{"twotime": {"bins": null}}"""));
        Assert.Equal(new TwoTimeParameters(), defaults.Value!.TwoTime);

        string Refused(string body) => RunRequestValidation.ParseRunParameters(Encoding.UTF8.GetBytes(body)).Error!;
        Assert.Equal("twotime.avg_frame: 1..1000000 (got 0)", Refused("""{"twotime": {"avg_frame": 0}}"""));
        Assert.Equal("twotime.stride_frame: 1..1000000 (got -1)", Refused("""{"twotime": {"stride_frame": -1}}"""));
        Assert.Equal("twotime.age_windows: 1..1000 (got 0)", Refused("""{"twotime": {"age_windows": 0}}"""));
        Assert.Equal("twotime.bin_groups: 1..64 (got 65)", Refused("""{"twotime": {"bin_groups": 65}}"""));
        Assert.Equal("twotime.bins: bin numbers must increase", Refused("""{"twotime": {"bins": [3, 3]}}"""));
        Assert.Equal("twotime.bins: -2 is negative", Refused("""{"twotime": {"bins": [-2]}}"""));
        Assert.StartsWith("twotime.bins: give 1..", Refused("""{"twotime": {"bins": []}}"""));
        Assert.Equal("body is not a valid run request at $.twotime.avg: unknown field", Refused("""{"twotime": {"avg": 2}}"""));
        Assert.Contains("duplicate field", Refused("""{"twotime": {"avg_frame": 2, "avg_frame": 3}}"""));
        Assert.Contains("wrong type", Refused("""{"twotime": {"avg_frame": 1.5}}"""));
    }

    [Fact]
    public void The_analysis_id_of_a_run_with_two_time_differs_from_one_without_and_between_two_time_options()
    {
        var content = new SeriesContent("bt", "s1", new SeriesRow { ManifestMd5 = "m" }, [], null, null, null);
        string plain = content.AnalysisId(null);
        Assert.Equal(plain, content.AnalysisId(null, null));
        string twoTime = content.AnalysisId(null, new TwoTimeParameters());
        Assert.NotEqual(plain, twoTime);
        Assert.NotEqual(twoTime, content.AnalysisId(null, new TwoTimeParameters { AverageFrames = 2 }));
        // Bin groups change how the work is split, not its result: the same analysis.
        Assert.Equal(twoTime, content.AnalysisId(null, new TwoTimeParameters { BinGroups = 2 }));
    }
}
