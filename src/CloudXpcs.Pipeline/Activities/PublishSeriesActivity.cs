using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// Copies an analysis' g2.h5 into the run folder (results/{beamtime}/runs/{runId}/xpcs/{series}/), and its fit.json when
/// that fit read the beamtime-level versions the run planned (<see cref="SeriesFitInputs"/>). Answers whether fit.json
/// was copied; when not, the run fits the series again with its planned versions.
/// </summary>
public sealed class PublishSeriesActivity(PipelineStorage storage) : TaskActivity<PublishSeriesRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishSeriesRequest input)
    {
        string target = input.RunPrefix + ResultNames.SeriesFolder(input.Outcome.Series);
        await BlobTransfer.CopyAsync(storage.Results, input.Outcome.ResultPrefix + ResultNames.G2File, target + ResultNames.G2File);
        if (input.BeamtimeInputs is { } planned)
        {
            var used = await SeriesFitInputs.ReadAsync(storage, input.Outcome.ResultPrefix);
            if (used is null || !used.SequenceEqual(SeriesFitInputs.Planned(planned))) return false;
        }
        await BlobTransfer.CopyAsync(storage.Results, input.Outcome.ResultPrefix + ResultNames.FitFile, target + ResultNames.FitFile);
        return true;
    }
}
