using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// A seam the heavy activities call as they start, with their name and a key of their input. Fault-injection tests
/// throw from it (a transient or a permanent fault) or act on storage first (e.g. replace a blob); <c>cloudxpcs worker</c>
/// logs each start with it. The pipeline's own hosts register none, and the activities then skip the call.
/// </summary>
public interface IActivityFaults
{
    Task BeforeActivityAsync(string activity, string inputKey);
}
