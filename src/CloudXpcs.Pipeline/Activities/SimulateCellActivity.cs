using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using Microsoft.DurableTask;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// The continuum model of the beamtime's cell for one transport set (simulations/{set}.json of the run), simulated at
/// every measurement time and velocity position of the run (its own fits and profiles, plus reduced measurements).
/// </summary>
public sealed class SimulateCellActivity(PipelineStorage storage, IActivityFaults? faults = null) : TaskActivity<SimulateRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, SimulateRequest input)
    {
        var clock = Stopwatch.StartNew();
        if (faults is not null) await faults.BeforeActivityAsync(nameof(SimulateCellActivity), $"{input.RunPrefix}{input.Set}");
        using var workspace = LocalWorkspace.Create("simulate");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        var measured = MeasuredBeamtimeLoader.Load(inputs, run).Measured;
        var result = ContinuumCellSolver.Simulate(ComparisonSimulation.SpecFor(measured, ComparisonFiles.ResolveSet(input.Set)));
        using var stream = new MemoryStream();
        SimulationJson.Write(result, stream);
        string blob = input.RunPrefix + SimulationJson.RelativePath(input.Set);
        await storage.Results.GetBlobClient(blob).UploadAsync(new BinaryData(stream.ToArray()), overwrite: true);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}
