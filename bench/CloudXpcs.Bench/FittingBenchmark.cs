using BenchmarkDotNet.Attributes;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Bench;

/// <summary>Heterodyne fit and shared-speed velocity of one series: 72 bins (4 q × 18 χ) and the full 162 (9 × 18).</summary>
[MemoryDiagnoser]
public class FittingBenchmark
{
    private SyntheticHeterodyneG2 _series = null!;

    [Params(4, 9)]
    public int QBins { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _series = new SyntheticHeterodyneG2 { SpeedAPerS = 30.0, QBins = QBins, QMaxInvA = 0.0029 + QBins * (0.0192 - 0.0029) / 9 }.Generate(3);

    [Benchmark]
    public SeriesFit FitSeries() => _series.Fit();
}
