using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// A seam for fault-injection tests: the heavy activities call it as they start, with their name and a key of their
/// input, and it may throw (a transient or a permanent fault) or act on storage first (e.g. replace a blob). Production
/// registers none, and the activities then skip the call.
/// </summary>
public interface IActivityFaults
{
    Task BeforeActivityAsync(string activity, string inputKey);
}
