using CloudXpcs.Data;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Contracts;

/// <summary>Retry policies of the pipeline's activities: transient faults are retried, broken input is not.</summary>
public static class PipelineRetries
{
    public static TaskOptions Activity { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(20))
    {
        HandleFailure = failure => !failure.IsCausedBy<DataContractException>() && !failure.IsCausedBy<ArgumentException>(),
    });

    /// <summary>The failed activity's own error text (which names the blob and the problem).</summary>
    public static string Reason(TaskFailedException e) => e.FailureDetails.ErrorMessage;
}
