using System.Reflection;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>run.json of the run: parameters, inputs with MD5, versions, every series with status and speed.</summary>
public sealed class WriteRunManifestActivity(PipelineStorage storage) : TaskActivity<CommitRunRequest, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, CommitRunRequest input)
    {
        var plan = await RunPlans.ReadAsync(storage, input.RunPrefix);
        var series = new List<RunJsonSeries>();
        foreach (var planned in plan.Series)
        {
            if (planned.AnalysisId is null)
            {
                series.Add(new RunJsonSeries(planned.Series, planned.State == PlanRunActivity.Stale ? SeriesStatus.Stale : SeriesStatus.Failed,
                    planned.Reason, null, null, null, null));
                continue;
            }
            var row = await storage.Analyses.GetEntityIfExistsAsync<AnalysisRow>(input.Beamtime, planned.AnalysisId);
            series.Add(row.HasValue
                ? new RunJsonSeries(planned.Series, row.Value!.Status, row.Value.Reason, row.Value.SpeedAPerS, row.Value.SpeedErrAPerS, row.Value.Resolvable,
                    planned.AnalysisId, planned.ResultFile)
                : new RunJsonSeries(planned.Series, SeriesStatus.Failed, "the analysis did not record an outcome", null, null, null, planned.AnalysisId,
                    planned.ResultFile));
        }
        // The versions captured when the run was planned (beamtime-level files) and when each analysis was claimed (series
        // files), never a listing now: raw may have changed since.
        var inputs = new List<RunJsonInput>(plan.BeamtimeInputs ?? []);
        foreach (var planned in plan.Series.Where(p => p.AnalysisId is not null))
            inputs.AddRange(await AnalysisInputs.ReadAsync(storage, input.Beamtime, planned.Series, planned.AnalysisId!) ?? []);
        inputs.Sort((a, b) => string.CompareOrdinal(a.Blob, b.Blob));
        int analysed = series.Count(s => s.Status == SeriesStatus.Analysed);
        int failed = series.Count - analysed;
        var runJson = new RunJson(input.Beamtime, input.RunId, input.CreatedUtc.ToString("O"), JsonSerializer.SerializeToElement(input.Parameters), inputs,
            new Dictionary<string, string> { ["cloudxpcs"] = Version }, series, input.StepFailures);
        await BlobTransfer.UploadTextAsync(storage.Results, input.RunPrefix + RunJson.FileName, RunJson.Serialize(runJson));
        // Never a plain "completed" when a series was not analysed: the run's results are partial.
        RunStatus status = input.StepFailures.Count > 0 ? RunStatus.Failed : failed > 0 ? RunStatus.CompletedWithFailures : RunStatus.Completed;
        return new RunOutcome(input.Beamtime, input.RunId, status, input.RunPrefix, analysed, failed, input.StepFailures)
        {
            SeriesUnresolvable = series.Count(s => s.Resolvable == false),
        };
    }

    public static string Version =>
        typeof(WriteRunManifestActivity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
