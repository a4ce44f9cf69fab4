using CloudXpcs.Data.Comparison;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Comparison;
using Microsoft.DurableTask;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// comparison.json of the run: measured (the run's fits and XAM profiles, echem.csv, reduced measurements) against the
/// run's simulations; one row per set in the comparisons table. Returns the sets, best first.
/// </summary>
public sealed class CompareActivity(PipelineStorage storage) : TaskActivity<CompareRequest, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, CompareRequest input)
    {
        using var workspace = LocalWorkspace.Create("compare");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        var result = ComparisonFiles.Run(inputs, run, run, new ComparisonFileOptions { Sets = input.Sets });
        await BlobTransfer.UploadFileAsync(storage.Results, input.RunPrefix + ComparisonJson.FileName, result.ComparisonPath);
        var document = ComparisonDocument.From(result.Comparison, new ComparisonOptions());
        foreach (var ranked in document.Ranking)
        {
            await storage.Comparisons.UpsertEntityAsync(new ComparisonRow
            {
                PartitionKey = input.Beamtime,
                RowKey = $"{input.RunId}|{ranked.Set}",
                RunId = input.RunId,
                Set = ranked.Set,
                Rank = ranked.Rank,
                Score = document.Sets.FirstOrDefault(s => s.Set == ranked.Set)?.Score,
                Reasons = string.Join("; ", ranked.Reasons),
            }, Azure.Data.Tables.TableUpdateMode.Replace);
        }
        return document.Ranking.OrderBy(r => r.Rank).Select(r => r.Set).ToList();
    }
}
