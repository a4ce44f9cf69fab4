using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// <see cref="SpeedSystematics"/>: distance, energy and pixel size scale every q together (|δv/v| = their relative
/// uncertainty at small angles); a beam-centre shift cancels over full rings with the flow along the columns (q|cos χ| ≈
/// k|col − col₀| gains on one side what it loses on the other) but not over a quarter ring; terms scale with the speed.
/// </summary>
public class SpeedSystematicsTests
{
    private static (QMap Map, BinFit[] Bins) Case(double beamCenter)
    {
        var geometry = new DetectorGeometry(64, 64, 75e-6, 3.0, beamCenter, beamCenter, 10.9);
        double k = 4 * Math.PI / geometry.WavelengthA;
        double QAt(double px) => k * Math.Sin(0.5 * Math.Atan(px * 75e-6 / 3.0));
        double outer = beamCenter < 0 ? 62 : 30;
        var map = QMap.Build(geometry, new QMapSpec(QAt(8), QAt(outer), 4, 24, 4));
        var bins = Enumerable.Range(0, map.DynamicBinCount).Where(b => map.DynamicPixelCounts[b] > 0).Select(b => new BinFit
        {
            Bin = b, QInvA = map.QOfBin(b), ChiDeg = map.ChiOfBin(b), PixelCount = map.DynamicPixelCounts[b], DelayCount = 40, Ok = true,
            UsedForSpeed = Math.Abs(Math.Cos(map.ChiOfBin(b) * Math.PI / 180)) > 0.2,
            Parameters = new HeterodyneParameters(0.2, 0.5, 250, 1, 0.1), StandardErrors = new HeterodyneParameters(0.01, 0.01, 10, 0.05, 0.002),
            MeanAbsCosChi = Math.Abs(Math.Cos(map.ChiOfBin(b) * Math.PI / 180)),
        }).ToArray();
        return (map, bins);
    }

    private static VelocityResult Speed(double v) => new() { Resolvable = true, SpeedAPerS = v, SpeedErrAPerS = 0.1, Method = "test" };

    [Fact]
    public void DistanceEnergyAndPixelSizeScaleTheSpeedByTheirRelativeUncertainty()
    {
        var (map, bins) = Case(-0.5);
        var u = new CalibrationUncertainty(0.03, 0.0218, 7.5e-8, 0);
        var budget = SpeedSystematics.Budget(Speed(40), bins, map.Geometry, 0, u, map);
        Assert.Equal(0.01 * 40, budget.DistanceAPerS, 0.01 * 0.01 * 40);       // within 1 % of the small-angle value
        Assert.Equal(0.002 * 40, budget.EnergyAPerS, 0.01 * 0.002 * 40);
        Assert.Equal(0.001 * 40, budget.PixelSizeAPerS, 0.01 * 0.001 * 40);
        Assert.Equal(0, budget.BeamCenterAPerS);
        Assert.Equal(SpeedSystematics.ModelFloorRel * 40, budget.ModelFloorAPerS, 1e-12);
        Assert.Equal(0.1, budget.StatAPerS);
        Assert.Equal(Math.Sqrt(0.1 * 0.1 + budget.SystematicAPerS * budget.SystematicAPerS), budget.TotalAPerS, 1e-12);
        var twice = SpeedSystematics.Budget(Speed(80), bins, map.Geometry, 0, u, map);
        Assert.Equal(2 * budget.SystematicAPerS, twice.SystematicAPerS, 1e-9);
    }

    [Fact]
    public void ABeamCentreErrorCancelsOverFullRingsButNotOverAQuarterRing()
    {
        var u = new CalibrationUncertainty(0, 0, 0, 0.5);
        var (corner, cornerBins) = Case(-0.5);
        var (centre, centreBins) = Case(31.5);
        double quarter = SpeedSystematics.Budget(Speed(40), cornerBins, corner.Geometry, 0, u, corner).BeamCenterAPerS / 40;
        double full = SpeedSystematics.Budget(Speed(40), centreBins, centre.Geometry, 0, u, centre).BeamCenterAPerS / 40;
        // Quarter ring: q|cos χ| ≈ k·(col − col₀), so δv/v ≈ 0.5 px / (mean weighted column distance ≈ 30 px).
        Assert.InRange(quarter, 0.008, 0.025);
        Assert.True(full < 0.1 * quarter, $"full rings {full:G3} vs quarter ring {quarter:G3}");
    }

    [Fact]
    public void WithoutAQMapTheBinWidthsGiveTheSameTerms()
    {
        var (map, bins) = Case(-0.5);
        var u = new CalibrationUncertainty(0.03, 0.0218, 7.5e-8, 0.5);
        var pixels = SpeedSystematics.Budget(Speed(40), bins, map.Geometry, 0, u, map);
        var widths = SpeedSystematics.Budget(Speed(40), bins, map.Geometry, 0, u, null, (map.Spec.QMaxInvA - map.Spec.QMinInvA) / 4, 15);
        Assert.Equal(pixels.DistanceAPerS, widths.DistanceAPerS, 0.02 * pixels.DistanceAPerS);
        Assert.Equal(pixels.BeamCenterAPerS, widths.BeamCenterAPerS, 0.15 * pixels.BeamCenterAPerS);
    }
}
