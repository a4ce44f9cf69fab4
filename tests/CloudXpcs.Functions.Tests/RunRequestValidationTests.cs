using System.Text;
using CloudXpcs.Functions.Http;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

public sealed class RunRequestValidationTests
{
    private static Validated<RunParameters> Parse(string json) => RunRequestValidation.ParseRunParameters(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    [InlineData("{}")]
    public void EmptyBodyOrObjectGivesTheDefaults(string body)
    {
        var result = Parse(body);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(new RunParameters(), result.Value);
    }

    [Fact]
    public void FullRequestIsReadExactly()
    {
        var result = Parse("""
            {"qmap": {"q_min_inv_A": 0.003, "q_max_inv_A": 0.019, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4},
             "transport_sets": ["RS", "PNB"], "shard_threshold_pixels": 2000000, "infer": false, "wait_for_series_min": 45.5}
            """);
        Assert.True(result.IsValid, result.Error);
        var p = result.Value!;
        Assert.Equal(new QMapOverride(0.003, 0.019, 9, 18, 4), p.QMap);
        Assert.Equal(["RS", "PNB"], p.TransportSets);
        Assert.Equal(2_000_000, p.ShardPixelThreshold);
        Assert.False(p.Infer);
        Assert.Equal(45.5, p.WaitForSeriesMinutes);
    }

    [Theory]
    [InlineData("""{"transport_set": ["RS"]}""", "body is not a valid run request at $.transport_set: unknown field")]
    [InlineData("""{"qmap": {"q_min_inv_A": 0.003, "q_max_inv_A": 0.019, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4, "extra": 1}}""", "unknown field")]
    [InlineData("""{"infer": true, "infer": false}""", "body is not a valid run request at $.infer: duplicate field")]
    [InlineData("""{"transport_sets": "RS"}""", "body is not a valid run request at $.transport_sets: wrong type or value out of range")]
    [InlineData("""{"infer": "false"}""", "wrong type")]
    [InlineData("""{"shard_threshold_pixels": "2000000"}""", "wrong type")]
    [InlineData("""{"shard_threshold_pixels": 1e30}""", "wrong type")]
    [InlineData("""{"shard_threshold_pixels": 2.5}""", "wrong type")]
    [InlineData("""{"wait_for_series_min": NaN}""", "body is not a valid run request")]
    [InlineData("""{"wait_for_series_min": "NaN"}""", "wrong type")]
    [InlineData("""{"qmap": {"q_min_inv_A": 0.003, "q_max_inv_A": 1e400, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}}""", "qmap: need 0 <= q_min < q_max (finite), got 0.003..Infinity 1/A")]
    [InlineData("""{"qmap": {"q_min_inv_A": 0.003, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}}""", "body is not a valid run request at $.qmap: missing field 'q_max_inv_A'")]
    [InlineData("""{"qmap": {"q_min_inv_A": 0.02, "q_max_inv_A": 0.01, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}}""", "qmap: need 0 <= q_min < q_max")]
    [InlineData("""{"qmap": {"q_min_inv_A": 0.003, "q_max_inv_A": 0.019, "q_bins": 100000, "phi_bins": 18, "static_per_dynamic": 4}}""", "qmap: q_bins 1..1000")]
    [InlineData("""{"qmap": null, "transport_sets": ["XYZ"]}""", "transport_sets: 'XYZ' is not a built-in set")]
    [InlineData("""{"transport_sets": ["RS", "RS"]}""", "transport_sets: names repeat")]
    [InlineData("""{"transport_sets": []}""", "transport_sets: give 1..16 names")]
    [InlineData("""{"transport_sets": ["RS", null]}""", "transport_sets: null")]
    [InlineData("""{"shard_threshold_pixels": 0}""", "shard_threshold_pixels: 1024..")]
    [InlineData("""{"wait_for_series_min": -1}""", "wait_for_series_min: more than 0")]
    [InlineData("""{"wait_for_series_min": 1e308}""", "wait_for_series_min: more than 0")]
    [InlineData("""{"stale_after_min": 0}""", "stale_after_min: more than 0")]
    [InlineData("""{"stale_after_min": 1e308}""", "stale_after_min: more than 0")]
    [InlineData("""{"transport_sets": [[[[[[[[[[["RS"]]]]]]]]]]]}""", "body is not a valid run request")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{}}}}}}}}}}""", "body is not a valid run request")]
    [InlineData("""{"infer": false,}""", "body is not a valid run request")]
    [InlineData("""{"infer": false /* comment */}""", "body is not a valid run request")]
    [InlineData("""[1, 2]""", "body is not a valid run request")]
    [InlineData("""null""", "body must be a JSON object")]
    [InlineData("""{"infer": false""", "body is not a valid run request")]
    [InlineData("not json", "body is not a valid run request")]
    public void BadBodiesAreRefusedWithTheReason(string body, string expected)
    {
        var result = Parse(body);
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("CloudXpcs.", result.Error);
    }

    [Fact]
    public void BodiesOverTheLimitAreRefusedBeforeParsing()
    {
        string body = "{\"transport_sets\": [\"RS\"]" + new string(' ', RunRequestValidation.MaxBodyBytes) + "}";
        var result = Parse(body);
        Assert.False(result.IsValid);
        Assert.Equal($"body is {Encoding.UTF8.GetByteCount(body)} bytes, more than {RunRequestValidation.MaxBodyBytes}", result.Error);
    }

    [Fact]
    public async Task ReadBodyStopsOneByteAfterTheLimit()
    {
        using var stream = new MemoryStream(new byte[RunRequestValidation.MaxBodyBytes * 4]);
        byte[] read = await RunRequestValidation.ReadBodyAsync(stream, CancellationToken.None);
        Assert.Equal(RunRequestValidation.MaxBodyBytes + 1, read.Length);
        Assert.Equal(RunRequestValidation.MaxBodyBytes + 1, stream.Position);
    }

    [Theory]
    [InlineData("steinrueck2020")]
    [InlineData("20260102T030405Z-abc123")]
    [InlineData("a.b_c=d+e-f")]
    public void SafeSegmentsPass(string value) => Assert.Null(RunRequestValidation.CheckSegment("beamtime", value));

    [Theory]
    [InlineData("", "beamtime is empty")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("..", "'.' or '..' segments")]
    [InlineData(".", "'.' or '..' segments")]
    [InlineData("a b", "characters outside")]
    [InlineData("a%2Fb", "characters outside")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a\u0001b", "control characters")]
    [InlineData("latest", "reserved")]
    public void UnsafeSegmentsAreRefused(string value, string expected)
    {
        string? problem = RunRequestValidation.CheckSegment("beamtime", value);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void OverLongSegmentsAreRefused() =>
        Assert.Contains("more than 128 characters", RunRequestValidation.CheckSegment("run id", new string('a', 129)));
}
