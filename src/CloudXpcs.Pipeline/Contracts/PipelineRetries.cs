using CloudXpcs.Data;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Contracts;

/// <summary>Retry policies of the pipeline's activities: transient faults are retried, broken input is not.</summary>
public static class PipelineRetries
{
    /// <summary>Attempts of one activity; storage outages are also waited out inside each attempt (Storage.StorageRetries).</summary>
    public const int MaxAttempts = 4;

    /// <summary>Back-off before the second attempt; doubled before each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(20);

    public static TimeSpan NextRetryDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(2 * delay.Ticks, MaxRetryDelay.Ticks));

    /// <summary>
    /// For one call at a time. Calls fanned out side by side go through Orchestration.RetriedFanOut instead, which retries
    /// in rounds with the same attempts and delays.
    /// </summary>
    public static TaskOptions Activity { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(MaxAttempts, FirstRetryDelay, 2.0, MaxRetryDelay)
    {
        HandleFailure = failure => !IsPermanent(failure),
    });

    /// <summary>Broken input: failed at once, never retried.</summary>
    public static bool IsPermanent(TaskFailureDetails failure) => failure.IsCausedBy<DataContractException>() || failure.IsCausedBy<ArgumentException>();

    /// <summary>
    /// The reason a series failed: the input's own problem as is; any other failure outlived every attempt, so the input is
    /// quarantined (recorded failed with the reason, not retried again by this run).
    /// </summary>
    public static string SeriesReason(TaskFailedException e) =>
        IsPermanent(e.FailureDetails) ? Reason(e) : $"quarantined after {MaxAttempts} failed attempts: {Reason(e)}";

    /// <summary>The failed activity's own error text (which names the blob and the problem).</summary>
    public static string Reason(TaskFailedException e) => e.FailureDetails.ErrorMessage;
}
