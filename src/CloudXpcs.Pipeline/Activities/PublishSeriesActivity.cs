using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>Copies an analysis' g2.h5 and fit.json into the run folder (results/{beamtime}/runs/{runId}/xpcs/{series}/).</summary>
public sealed class PublishSeriesActivity(PipelineStorage storage) : TaskActivity<PublishSeriesRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishSeriesRequest input)
    {
        string target = input.RunPrefix + ResultNames.SeriesFolder(input.Outcome.Series);
        foreach (string file in new[] { ResultNames.G2File, ResultNames.FitFile })
            await BlobTransfer.CopyAsync(storage.Results, input.Outcome.ResultPrefix + file, target + file);
        return true;
    }
}
