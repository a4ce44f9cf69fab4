using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Inference;

namespace CloudXpcs.Data.Tests.Comparison;

/// <summary>comparison.json and inference.json as their owners write and read them.</summary>
public sealed class ComparisonJsonTests
{
    [Fact]
    public void InferenceJsonRoundTrips()
    {
        var options = new InferenceOptions { IncludeLinear = false };
        var misfits = Enumerable.Range(0, 41).Select(k => -0.2 + 0.01 * k).Select(t => new CandidateMisfit(
            new TransferenceCandidate(TransferenceModel.Constant, t, 0, CandidateStage.Grid),
            new MisfitBreakdown(5 + Math.Pow((t - 0.05) / 0.02, 2), 10, 1, 5, 0, 0), null)).ToList();
        misfits.Add(new CandidateMisfit(new TransferenceCandidate(TransferenceModel.Constant, 0.2, 0, CandidateStage.Hypothesis, "study"),
                                        new MisfitBreakdown(70, 10, 1, 5, 0, 0), null));
        var document = InferenceDocument.From(TransferenceInference.Summarize(options, misfits), "b", "PNB", options);
        using var folder = new TempFolder();
        string path = folder.File("inference.json");
        InferenceJson.Write(path, document);
        var read = InferenceJson.Read(path);
        Assert.Equal(InferenceJson.Serialize(document), InferenceJson.Serialize(read));
        Assert.Equal(0.05, read.Models[0].Parameters["tplus0"], 9);
        Assert.Equal("study", read.Hypotheses[0].Label);
        Assert.Equal("constant", read.Preferred);
    }

    [Theory]
    [InlineData("{\"schema\": \"cloudxpcs.fit/1\"}", "schema is")]
    [InlineData("{\"schema\": \"cloudxpcs.comparison/1\", \"beamtime\": \"b\"", "not a valid comparison.json")]
    [InlineData("{\"schema\": \"cloudxpcs.comparison/1\", \"beamtime\": \"b\"}", "not a valid comparison.json")]
    public void BadComparisonJsonIsAContractError(string json, string problem)
    {
        var error = Assert.Throws<DataContractException>(() => ComparisonJson.Deserialize(json, "x/comparison.json"));
        Assert.Equal("x/comparison.json", error.Source);
        Assert.Contains(problem, error.Problem);
        Assert.Throws<DataContractException>(() => InferenceJson.Deserialize(json.Replace("comparison", "inference"), "i.json"));
    }
}
