using BenchmarkDotNet.Attributes;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Bench;

/// <summary>
/// One 1000-min forward run of the study's cell (3 mm, 0.3 V, 1.87 M, 90 °C) at the default grid (96 cells, converged
/// to better than 1e-3 relative in i(t) for PNB) and default time tolerance, profiles every 10 min.
/// Anchor: DiffEC's explicit JAX solver needs ~5 s per run; goal < 50 ms.
/// </summary>
[MemoryDiagnoser]
public class ContinuumBenchmark
{
    private TransportSet _pnb = null!, _rs = null!, _edman = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pnb = BuiltInTransportSets.Pnb();
        _rs = BuiltInTransportSets.Rs();
        _edman = BuiltInTransportSets.Edman2000();
    }

    private static CellSimulationResult Run(TransportSet set) => ContinuumCellSolver.Simulate(new CellSimulationSpec { Transport = set });

    [Benchmark(Baseline = true)]
    public CellSimulationResult Pnb1000Min() => Run(_pnb);

    [Benchmark]
    public CellSimulationResult Rs1000Min() => Run(_rs);

    [Benchmark]
    public CellSimulationResult Edman2000_1000Min() => Run(_edman);
}
