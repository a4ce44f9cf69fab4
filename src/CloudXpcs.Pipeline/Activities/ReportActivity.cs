using System.Diagnostics;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>report/index.html and its figures for the run folder (CloudXpcs.Reporting), uploaded under the run.</summary>
public sealed class ReportActivity(PipelineStorage storage) : TaskActivity<BeamtimeStepRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, BeamtimeStepRequest input)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = LocalWorkspace.Create("report");
        string run = workspace.Folder("run");
        await BlobTransfer.DownloadPrefixAsync(storage.Results, input.RunPrefix, run,
            relative => !relative.StartsWith("report/", StringComparison.Ordinal) && relative != ResultNames.PlanFile);
        var summary = Reporting.RunReport.Write(run, new Reporting.ReportOptions
        {
            RunFolderLabel = $"{storage.Options.ResultsContainer}/{input.RunPrefix} (storage; downloaded by run, reprocess and demo)",
        });
        await BlobTransfer.UploadFolderAsync(storage.Results, input.RunPrefix + "report/", Path.GetDirectoryName(summary.IndexPath)!);
        return new ActivityResult(input.RunPrefix + "report/index.html", clock.Elapsed.TotalMilliseconds);
    }
}
