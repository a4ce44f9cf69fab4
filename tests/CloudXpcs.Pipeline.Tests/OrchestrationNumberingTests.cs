using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker.Shims;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// The orchestrators number their tasks the same whatever the order and grouping in which the answers arrive. The Azure
/// Storage backend sends an episode's messages before it saves the episode; after a crash in between, the episode runs
/// again with its events in another order or with more of them, and the answers to the lost episode's messages carry
/// its task numbers. An orchestrator whose numbering followed the arrival order would hand them to the wrong tasks
/// (seen as a claim answered with a series outcome, and a resumed run that published another series' result).
/// Each orchestrator is driven here through the Durable Task executor with stand-in answers, one episode per batch of
/// answers, under several delivery orders.
/// </summary>
public sealed partial class OrchestrationNumberingTests
{
    private static readonly JsonDataConverter Json = JsonDataConverter.Default;
    private static readonly DateTime Start = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);

    private static readonly RunPlan Plan = new("bt", "r1", "bt/runs/r1/",
        [new PlannedSeries("s1", "a1", PlanRunActivity.Ready, null, 2), new PlannedSeries("s2", "a2", PlanRunActivity.Ready, null, 1),
         new PlannedSeries("s3", "a3", PlanRunActivity.Ready, null, 1), new PlannedSeries("s4", "a4", PlanRunActivity.Ready, null, 1),
         new PlannedSeries("s5", null, PlanRunActivity.Incomplete, "chunk 1 missing", 0)],
        ["PNB", "RS", "VAL"], HasXam: true, HasEchem: true)
    {
        BeamtimeInputs = [new RunJsonInput("bt/echem.csv", "md5", 10)],
    };

    public static TheoryData<string> Orchestrators => new() { nameof(BeamtimeOrchestrator), nameof(RunSeriesOrchestrator), nameof(SeriesOrchestrator) };

    [Theory]
    [MemberData(nameof(Orchestrators))]
    public void Tasks_are_numbered_the_same_whatever_order_the_answers_come_in(string orchestrator)
    {
        foreach (bool transientFaults in new[] { false, true })
        {
            var reference = Drive(orchestrator, Deliveries.OneAtATimeInOrder, transientFaults: transientFaults);
            Assert.True(reference.Count >= 2, $"{orchestrator} scheduled only {reference.Count} tasks");
            if (transientFaults) Assert.Contains(reference.Values, t => t.Kind == "timer");   // retried
            foreach (var delivery in new[] { Deliveries.AllAtOnceReversed, Deliveries.OneAtATimeReversed, Deliveries.Random(1), Deliveries.Random(2), Deliveries.Random(3) })
                Assert.Equal(Describe(reference), Describe(Drive(orchestrator, delivery, transientFaults: transientFaults)));
        }
    }

    [Fact]
    public void A_series_waiting_for_another_orchestrations_analysis_polls_and_then_reuses_it()
    {
        int claims = 0;
        var tasks = Drive(nameof(RunSeriesOrchestrator), Deliveries.OneAtATimeInOrder, claim: () => ++claims < 3 ? AnalysisClaims.Running : AnalysisClaims.Done);
        Assert.Equal(["activity ClaimAnalysisActivity", "timer", "activity ClaimAnalysisActivity", "timer", "activity ClaimAnalysisActivity"],
            tasks.Values.Select(t => t.Kind == "timer" ? "timer" : $"{t.Kind} {t.Name}"));
    }

    /// <summary>Each task by number; durations in the inputs (…Ms) left out, as they follow the episodes' clock.</summary>
    private static string Describe(SortedDictionary<int, ScheduledTask> tasks) =>
        string.Join("\n", tasks.Select(t => $"{t.Key}: {t.Value.Kind} {t.Value.Name} {Durations().Replace(t.Value.Input ?? "", "$1:_")}"));

    [System.Text.RegularExpressions.GeneratedRegex("(\"\\w*Ms\"):[-0-9.eE+]+")]
    private static partial System.Text.RegularExpressions.Regex Durations();

    private sealed record ScheduledTask(string Kind, string Name, string? Input);

    /// <summary>Chooses which outstanding tasks answer in the next episode, and in which order.</summary>
    private delegate IReadOnlyList<int> Delivery(IReadOnlyList<int> outstanding);

    private static class Deliveries
    {
        public static IReadOnlyList<int> OneAtATimeInOrder(IReadOnlyList<int> outstanding) => [outstanding[0]];
        public static IReadOnlyList<int> OneAtATimeReversed(IReadOnlyList<int> outstanding) => [outstanding[^1]];
        public static IReadOnlyList<int> AllAtOnceReversed(IReadOnlyList<int> outstanding) => outstanding.Reverse().ToList();

        public static Delivery Random(int seed)
        {
            var random = new Random(seed);
            return outstanding =>
            {
                var shuffled = outstanding.OrderBy(_ => random.Next()).ToList();
                return shuffled.Take(1 + random.Next(shuffled.Count)).ToList();
            };
        }
    }

    /// <summary>
    /// Runs the orchestrator to its end as the sidecar does: each episode replays the saved history plus the new answers
    /// and adds the scheduled tasks to the history; returns every task it scheduled by number.
    /// </summary>
    /// <remarks>
    /// With <paramref name="transientFaults"/>, every activity call about series s1 or s3 fails on its first attempt, and the
    /// simulation of set VAL on every attempt.
    /// </remarks>
    private static SortedDictionary<int, ScheduledTask> Drive(string orchestrator, Delivery delivery, Func<string>? claim = null, bool transientFaults = false)
    {
        var attempts = new Dictionary<string, int>();
        bool Fails(ScheduledTask task)
        {
            if (!transientFaults || task.Kind != "activity") return false;
            string key = task.Name + " " + task.Input;
            int attempt = attempts[key] = attempts.GetValueOrDefault(key) + 1;
            string series = task.Input is null ? "" : SeriesOf(task.Input);
            return (attempt == 1 && series is "s1" or "s3") || task.Input?.Contains("\"Set\":\"VAL\"", StringComparison.Ordinal) == true;
        }
        var answerClaim = claim ?? (() => AnalysisClaims.Claimed);
        var run = new BeamtimeRunRequest("bt", "r1", new RunParameters { Infer = false });
        (ITaskOrchestrator implementation, object input) = orchestrator switch
        {
            nameof(BeamtimeOrchestrator) => ((ITaskOrchestrator)new BeamtimeOrchestrator(), (object)run),
            nameof(RunSeriesOrchestrator) => (new RunSeriesOrchestrator(), new RunSeriesRequest(run, Plan.Series[0])),
            _ => (new SeriesOrchestrator(), new SeriesAnalysisRequest("bt", "s1", "a1", null, 3)),
        };
        var instance = new OrchestrationInstance { InstanceId = "run:bt:r1:" + orchestrator, ExecutionId = "e1" };
        var history = new List<HistoryEvent>();
        var newEvents = new List<HistoryEvent>
        {
            new OrchestratorStartedEvent(-1) { Timestamp = Start },
            new ExecutionStartedEvent(-1, Json.Serialize(input)) { Name = orchestrator, OrchestrationInstance = instance, Timestamp = Start },
        };
        var tasks = new SortedDictionary<int, ScheduledTask>();
        var outstanding = new List<int>();
        for (int episode = 1; episode < 500; episode++)
        {
            var state = new OrchestrationRuntimeState(history);
            foreach (var e in newEvents) state.AddEvent(e);
            var shim = DurableTaskShimFactory.Default.CreateOrchestration(new TaskName(orchestrator), implementation);
            var result = new TaskOrchestrationExecutor(state, shim, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails).Execute();
            history.AddRange(newEvents);
            foreach (var action in result.Actions)
            {
                switch (action)
                {
                    case ScheduleTaskOrchestratorAction task:
                        history.Add(new TaskScheduledEvent(task.Id, task.Name!, task.Version, task.Input));
                        tasks.Add(task.Id, new ScheduledTask("activity", task.Name!, task.Input));
                        break;
                    case CreateSubOrchestrationAction sub:
                        history.Add(new SubOrchestrationInstanceCreatedEvent(sub.Id) { Name = sub.Name, InstanceId = sub.InstanceId, Input = sub.Input });
                        tasks.Add(sub.Id, new ScheduledTask("orchestration", sub.Name + " " + sub.InstanceId, sub.Input));
                        break;
                    case CreateTimerOrchestratorAction timer:
                        history.Add(new TimerCreatedEvent(timer.Id, timer.FireAt));
                        tasks.Add(timer.Id, new ScheduledTask("timer", "", null));
                        break;
                    case OrchestrationCompleteOrchestratorAction complete:
                        Assert.True(complete.OrchestrationStatus == OrchestrationStatus.Completed, $"{orchestrator} ended {complete.OrchestrationStatus}: {complete.Result}");
                        Assert.Empty(outstanding);
                        return tasks;
                    default:
                        throw new InvalidOperationException($"unexpected action {action.GetType().Name}");
                }
                outstanding.Add(action.Id);
            }
            Assert.NotEmpty(outstanding);
            var now = Start.AddSeconds(3 * episode);
            newEvents = [new OrchestratorStartedEvent(-1) { Timestamp = now }];
            foreach (int id in delivery(outstanding))
            {
                outstanding.Remove(id);
                newEvents.Add(Fails(tasks[id])
                    ? new TaskFailedEvent(-1, id, null, null, new FailureDetails("System.IO.IOException", "injected transient fault", null, null, false)) { Timestamp = now }
                    : Answer(id, tasks[id], now, answerClaim));
            }
        }
        throw new InvalidOperationException($"{orchestrator} did not end within 500 episodes");
    }

    /// <summary>The stand-in answer to a task: what the real activity or orchestration returns, as a function of its input.</summary>
    private static HistoryEvent Answer(int id, ScheduledTask task, DateTime now, Func<string> claim)
    {
        if (task.Kind == "timer") return new TimerFiredEvent(-1, now) { TimerId = id, Timestamp = now };
        string series = task.Input is null ? "" : SeriesOf(task.Input);
        var outcome = new SeriesAnalysisOutcome("bt", series, "a-" + series, SeriesStatus.Analysed, null, "bt/analyses/" + series, 5.0, 0.1, true, 1, 2);
        if (task.Kind == "orchestration") return new SubOrchestrationInstanceCompletedEvent(-1, id, Json.Serialize(outcome)) { Timestamp = now };
        object result = task.Name switch
        {
            nameof(PlanRunActivity) => Plan,
            nameof(ClaimAnalysisActivity) => claim() is var state && state == AnalysisClaims.Done ? new ClaimResult(state, outcome) : new ClaimResult(state, null),
            nameof(PublishSeriesActivity) => series != "s2",   // s2 is fitted again with the run's files
            nameof(FitSeriesActivity) or nameof(FitResultSeriesActivity) => new FitResult("fit.json", 1, 5.0, 0.1, true),
            nameof(CompleteAnalysisActivity) => true,
            nameof(CompareActivity) => (IReadOnlyList<string>)["PNB", "RS", "VAL"],
            nameof(WriteRunManifestActivity) or nameof(CommitRunActivity) => new RunOutcome("bt", "r1", RunStatus.Completed, "bt/runs/r1/", 4, 0, []),
            _ => new ActivityResult(task.Name, 1),
        };
        return new TaskCompletedEvent(-1, id, Json.Serialize(result)) { Timestamp = now };
    }

    /// <summary>The series a task is about (its input's "Series", or its outcome's), else "".</summary>
    private static string SeriesOf(string input)
    {
        using var document = JsonDocument.Parse(input);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1) root = root[0];   // an activity's input comes as [input]
        if (root.ValueKind != JsonValueKind.Object) return "";
        foreach (var path in new[] { new[] { "Series" }, ["series"], ["Outcome", "Series"], ["outcome", "series"], ["Series", "Series"], ["series", "series"] })
        {
            var element = root;
            bool found = true;
            foreach (string name in path)
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) { found = false; break; }
            if (found && element.ValueKind == JsonValueKind.String) return element.GetString()!;
        }
        return "";
    }
}
