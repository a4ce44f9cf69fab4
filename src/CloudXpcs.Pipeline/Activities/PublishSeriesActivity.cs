using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Microsoft.DurableTask;
using CloudXpcs.Analysis.Comparison;
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
