using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// One seeded case of the calibration of the reported speed error: a heterodyne speckle series on a small square
/// detector spanning the study's q range (0.0029–0.0192 Å⁻¹), with speed 5–100 Å/s, β, h, count rate, flow axis and
/// τ0 (0.12–0.62 of the series duration, the study's ratio) drawn from the seed; simulated once, then correlated by
/// the multi-tau correlator and fitted once per q/χ binning.
/// </summary>
public sealed record SpeedCalibrationCase(int Seed, HeterodyneSeriesSpec Spec)
{
    public const double QMinInvA = 0.0029, QMaxInvA = 0.0192;

    public static SpeedCalibrationCase Draw(int seed, int side = 128, int frames = 1024, double? speedAPerS = null)
    {
        // The simulator's SplitMix64 at a pixel index no detector has: consecutive seeds of Random give nearly linear first draws.
        var rng = new Random(HeterodyneSpeckleSimulator.PixelSeed(seed, -1));
        double speed = 5.0 + 95.0 * rng.NextDouble();
        const double frameTimeS = 0.2;
        return new SpeedCalibrationCase(seed, new HeterodyneSeriesSpec
        {
            // 225 µm pixels at 4 m for 128 pixels (scaled with the side): q ≈ 0.02 Å⁻¹ at the edge along the axes.
            Geometry = new DetectorGeometry(side, side, PixelSizeM: 225e-6 * 128 / side, DistanceM: 4.0,
                BeamCenterRow: side / 2.0 - 0.37, BeamCenterCol: side / 2.0 - 0.61, EnergyKeV: 10.9),
            FlowAxisDeg = 360.0 * rng.NextDouble(),
            Frames = frames,
            FrameTimeS = frameTimeS,
            SpeedAPerS = speedAPerS ?? speed,
            ContrastBeta = 0.1 + 0.2 * rng.NextDouble(),
            HeterodyneFraction = 0.3 + 0.4 * rng.NextDouble(),
            Tau0S = frames * frameTimeS * (0.12 + 0.5 * rng.NextDouble()),
            MeanCountsPerPixelPerFrame = 0.1 + 0.4 * rng.NextDouble(),
            Seed = seed,
        });
    }

    /// <summary>The series velocity for each binning (q bins × χ bins), from one simulation.</summary>
    public IEnumerable<(string Binning, VelocityResult Velocity)> Fit(IReadOnlyList<(int QBins, int PhiBins)> binnings, FitOptions? options = null)
    {
        var simulator = new HeterodyneSpeckleSimulator(Spec);
        foreach (var (qBins, phiBins) in binnings)
        {
            var map = QMap.Build(Spec.Geometry, new QMapSpec(QMinInvA, QMaxInvA, qBins, phiBins, StaticPerDynamic: 2), Spec.FlowAxisDeg);
            var correlator = new MultiTauCorrelator(map, Spec.Frames, new MultiTauOptions { DelaysPerLevel = 4 });
            foreach (var batch in simulator.FrameBatches(512)) correlator.AddFrames<ushort>(batch.Span);
            yield return ($"{qBins}x{phiBins}", HeterodyneSeriesFitter.Fit(correlator.ToResult(Spec.FrameTimeS), options).Velocity);
        }
    }
}
