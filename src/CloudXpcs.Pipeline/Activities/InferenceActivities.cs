using System.Text.Json;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Inference;
using Microsoft.DurableTask;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// The transference-number sweep (TransferenceInference: Plan → Evaluate → Refine → ... → Summarize) with the
/// simulations fanned out as activities: candidates and misfits travel as blobs under {run}/inference/, the
/// orchestrator sees only round and batch numbers.
/// </summary>
internal static class InferenceBlobs
{
    public const int BatchSize = 40;
    public static readonly InferenceOptions Options = new();

    public static string Candidates(string runPrefix, int round) => $"{runPrefix}inference/round-{round:D2}.candidates.json";
    public static string Misfits(string runPrefix, int round, int batch) => $"{runPrefix}inference/round-{round:D2}-batch-{batch:D3}.misfits.json";

    public static async Task<int> WriteCandidatesAsync(PipelineStorage storage, string runPrefix, int round, IReadOnlyList<TransferenceCandidate> candidates)
    {
        await BlobTransfer.UploadTextAsync(storage.Results, Candidates(runPrefix, round), JsonSerializer.Serialize(candidates));
        return (candidates.Count + BatchSize - 1) / BatchSize;
    }

    public static async Task<List<T>> ReadAsync<T>(PipelineStorage storage, string blob) =>
        JsonSerializer.Deserialize<List<T>>((await storage.Results.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToString())
        ?? throw new InvalidOperationException($"{blob} is empty");

    /// <summary>Every misfit evaluated in rounds 0..<paramref name="lastRound"/>.</summary>
    public static async Task<List<CandidateMisfit>> AllMisfitsAsync(PipelineStorage storage, string runPrefix, int lastRound)
    {
        var all = new List<CandidateMisfit>();
        for (int round = 0; round <= lastRound; round++)
        {
            int count = (await ReadAsync<TransferenceCandidate>(storage, Candidates(runPrefix, round))).Count;
            for (int batch = 0; batch * BatchSize < count; batch++)
                all.AddRange(await ReadAsync<CandidateMisfit>(storage, Misfits(runPrefix, round, batch)));
        }
        return all;
    }
}

/// <summary>Round 0 of the sweep (the coarse grids of both models); returns the number of batches.</summary>
public sealed class PlanInferenceActivity(PipelineStorage storage) : TaskActivity<InferenceRequest, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, InferenceRequest input) =>
        InferenceBlobs.WriteCandidatesAsync(storage, input.RunPrefix, 0, TransferenceInference.Plan(InferenceBlobs.Options));
}

/// <summary>One batch of candidates: a continuum simulation and the misfit to all measurements of the run for each.</summary>
public sealed class EvaluateInferenceBatchActivity(PipelineStorage storage) : TaskActivity<InferenceBatchRequest, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, InferenceBatchRequest input)
    {
        var r = input.Request;
        var candidates = (await InferenceBlobs.ReadAsync<TransferenceCandidate>(storage, InferenceBlobs.Candidates(r.RunPrefix, r.Round)))
            .Skip(input.Batch * InferenceBlobs.BatchSize).Take(InferenceBlobs.BatchSize).ToList();
        using var workspace = LocalWorkspace.Create("infer");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, r.Beamtime, r.RunPrefix, workspace);
        var setup = InferenceFiles.Prepare(inputs, run, r.BaseSet, InferenceBlobs.Options);
        var misfits = candidates.Select(c => TransferenceInference.Evaluate(setup.Beamtime.Measured, setup.BaseSet, setup.Spec, c, setup.Options)).ToList();
        await BlobTransfer.UploadTextAsync(storage.Results, InferenceBlobs.Misfits(r.RunPrefix, r.Round, input.Batch), JsonSerializer.Serialize(misfits));
        return misfits.Count;
    }
}

/// <summary>The next refinement round from everything evaluated so far; returns its number of batches (0: the sweep is done).</summary>
public sealed class RefineInferenceActivity(PipelineStorage storage) : TaskActivity<InferenceRequest, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, InferenceRequest input)
    {
        var misfits = await InferenceBlobs.AllMisfitsAsync(storage, input.RunPrefix, input.Round);
        var next = TransferenceInference.Refine(InferenceBlobs.Options, misfits);
        return next.Count == 0 ? 0 : await InferenceBlobs.WriteCandidatesAsync(storage, input.RunPrefix, input.Round + 1, next);
    }
}

/// <summary>Best values, profile-likelihood intervals and the preferred model: the run's inference.json.</summary>
public sealed class SummarizeInferenceActivity(PipelineStorage storage) : TaskActivity<InferenceRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, InferenceRequest input)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var misfits = await InferenceBlobs.AllMisfitsAsync(storage, input.RunPrefix, input.Round);
        using var workspace = LocalWorkspace.Create("infer-summary");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        var setup = InferenceFiles.Prepare(inputs, run, input.BaseSet, InferenceBlobs.Options);
        string path = Path.Combine(workspace.Root, InferenceJson.FileName);
        InferenceFiles.Write(path, setup, TransferenceInference.Summarize(InferenceBlobs.Options, misfits));
        string blob = input.RunPrefix + InferenceJson.FileName;
        await BlobTransfer.UploadFileAsync(storage.Results, blob, path);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}
