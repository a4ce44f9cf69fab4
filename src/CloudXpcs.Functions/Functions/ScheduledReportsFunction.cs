using CloudXpcs.Functions.Reports;
using CloudXpcs.Functions.Runs;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>
/// Scheduled reports (CLOUDXPCS_REPORT_SCHEDULE, e.g. hourly "0 0 * * * *"): every beamtime whose raw data changed
/// after its latest run gets a new run with default parameters, which writes a new report.
/// </summary>
public sealed class ScheduledReportsFunction(PipelineStorage storage, TimeProvider clock, ILogger<ScheduledReportsFunction> logger)
{
    public const string Name = "ScheduledReports";

    [Function(Name)]
    public async Task<IReadOnlyList<StartedRun>> RunAsync(
        [TimerTrigger("%" + Configuration.FunctionsServices.ReportScheduleSetting + "%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var started = new List<StartedRun>();
        foreach (var activity in await ReportSchedule.ReadAsync(storage, cancellationToken))
        {
            var decision = ReportSchedule.Decide(activity);
            if (!decision.StartRun)
            {
                logger.LogDebug("beamtime {Beamtime}: no new run ({Reason})", decision.Beamtime, decision.Reason);
                continue;
            }
            var run = await RunStarter.StartAsync(client, decision.Beamtime, new RunParameters(), clock.GetUtcNow(), cancellationToken);
            logger.LogInformation("beamtime {Beamtime}: run {RunId} started ({Reason})", decision.Beamtime, run.RunId, decision.Reason);
            started.Add(run);
        }
        return started;
    }
}
