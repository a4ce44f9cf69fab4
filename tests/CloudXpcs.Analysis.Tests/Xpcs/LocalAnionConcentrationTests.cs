using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>ε of fit.json's anion velocities at the local concentration when the beamtime has measured/profiles.csv covering the series.</summary>
public sealed class LocalAnionConcentrationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Beamtime(double positionMm, double timeMin)
    {
        string beamtime = _temp.File($"bt-{positionMm}-{timeMin}");
        string series = Path.Combine(beamtime, SeriesManifest.XpcsFolder, "s");
        Directory.CreateDirectory(series);
        new BeamtimeManifest
        {
            Beamtime = "bt", Cell = new BeamtimeCell(3.0, 0.3, 90.0, 0.1, 1.87), StrippingElectrodeSide = -1, TransportSets = ["PNB"],
        }.Save(Path.Combine(beamtime, BeamtimeManifest.FileName));
        new SeriesManifest
        {
            Beamtime = "bt", Series = "s", Frames = 10, Chunks = 1, FrameTimeS = 0.2, PositionMm = positionMm, PolarizationTimeMin = timeMin,
            Detector = new DetectorGeometry(8, 8, 75e-6, 3.0, -0.5, -0.5, 10.9), FlowAxisDeg = 0,
        }.Save(Path.Combine(series, SeriesManifest.FileName));
        Directory.CreateDirectory(Path.Combine(beamtime, "measured"));
        File.WriteAllText(Path.Combine(beamtime, MeasuredBeamtimeLoader.MeasuredProfilesRelativePath),
            "time_min,position_mm,concentration_M,concentration_err_M\n300,-1,1.2,0.03\n300,1,2.6,0.03\n");
        return series;
    }

    [Fact]
    public void UsesTheMeasuredProfileAtTheSeriesTimeAndPosition()
    {
        var c = SeriesAnalysis.Concentration(Beamtime(0.5, 300), null);
        Assert.Equal(2.25, c.ConcentrationM, 12);
        Assert.Contains("(local)", c.Source);
    }

    [Fact]
    public void FallsBackToTheInitialConcentrationWhenTheProfilesDoNotCoverTheSeries()
    {
        var c = SeriesAnalysis.Concentration(Beamtime(0.5, 900), null);
        Assert.Equal(1.87, c.ConcentrationM);
        Assert.Contains("does not cover", c.Source);
    }
}
