using CloudXpcs.Pipeline.Contracts;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Orchestration;

/// <summary>One activity call of a fan-out.</summary>
public sealed record ActivityCall(string Activity, object Input);

/// <summary>
/// Activities fanned out in parallel with <see cref="PipelineRetries"/>' attempts, retried in rounds: every call of a
/// round is joined before the failed ones (not broken input) are called again after one shared back-off timer. The
/// Durable Task SDK's own retry schedules a branch's timer and its next attempt as soon as that branch fails, so the
/// task numbers would follow the order in which failures arrive; in rounds they follow only which calls failed
/// (docs/ARCHITECTURE.md, "Crash resume").
/// </summary>
public static class RetriedFanOut
{
    /// <summary>Each call's result, in the calls' order; a call that failed on its last attempt (or with broken input) holds its failure.</summary>
    public static async Task<IReadOnlyList<FanOutResult<T>>> RunAsync<T>(TaskOrchestrationContext context, IReadOnlyList<ActivityCall> calls)
    {
        var results = new FanOutResult<T>[calls.Count];
        var pending = Enumerable.Range(0, calls.Count).ToList();
        var delay = PipelineRetries.FirstRetryDelay;
        for (int attempt = 1; pending.Count > 0; attempt++)
        {
            var round = await Task.WhenAll(pending.Select(i => Settle<T>(context.CallActivityAsync<T>(calls[i].Activity, calls[i].Input))));
            var retry = new List<int>();
            for (int k = 0; k < pending.Count; k++)
            {
                results[pending[k]] = round[k];
                if (round[k].Failure is { } failure && attempt < PipelineRetries.MaxAttempts && !PipelineRetries.IsPermanent(failure.FailureDetails))
                    retry.Add(pending[k]);
            }
            pending = retry;
            if (pending.Count == 0) break;
            await context.CreateTimer(delay, CancellationToken.None);
            delay = PipelineRetries.NextRetryDelay(delay);
        }
        return results;
    }

    /// <summary>Each call's result in the calls' order; the first failed call's failure (in that order) is thrown, as <c>Task.WhenAll</c> would.</summary>
    public static async Task<IReadOnlyList<T>> AllAsync<T>(TaskOrchestrationContext context, IReadOnlyList<ActivityCall> calls)
    {
        var results = await RunAsync<T>(context, calls);
        if (results.FirstOrDefault(r => r.Failure is not null) is { Failure: { } failure }) throw failure;
        return results.Select(r => r.Value!).ToList();
    }

    private static async Task<FanOutResult<T>> Settle<T>(Task<T> call)
    {
        try
        {
            return new FanOutResult<T>(await call, null);
        }
        catch (TaskFailedException e)
        {
            return new FanOutResult<T>(default, e);
        }
    }
}

/// <summary>A fan-out call's value, or its failure.</summary>
public readonly record struct FanOutResult<T>(T? Value, TaskFailedException? Failure);
