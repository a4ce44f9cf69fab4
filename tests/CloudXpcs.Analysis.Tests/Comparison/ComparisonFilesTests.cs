using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Inference;
using CloudXpcs.Science.Tests.Comparison;
using CloudXpcs.Science.Tests.Support;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Analysis.Import;

namespace CloudXpcs.Analysis.Tests.Comparison;

public sealed class ComparisonFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cloudxpcs-compare-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>A contract beamtime folder whose measurements are read off an RS simulation.</summary>
    private (string Folder, MeasuredBeamtime Measured) WriteBeamtime()
    {
        string folder = Path.Combine(_root, "beamtime");
        var plan = ComparisonTestData.Plan();
        var measured = ComparisonTestData.Sample(plan, ComparisonTestData.Simulate(plan, BuiltInTransportSets.Rs()));
        new BeamtimeManifest
        {
            Beamtime = measured.Beamtime, Cell = new BeamtimeCell(3.0, 0.3, 90, 0.1, 1.87), StrippingElectrodeSide = -1, TransportSets = ["PNB", "RS"],
        }.Save(Path.Combine(folder, BeamtimeManifest.FileName));
        EchemCsv.Write(Path.Combine(folder, EchemCsv.FileName), measured.Current);
        CloudXpcs.Data.Xam.XamProfilesCsv.Write(Path.Combine(folder, MeasuredBeamtimeLoader.MeasuredProfilesRelativePath),
            measured.Profiles.Select(p => new Science.Absorption.ConcentrationPoint(p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM, p.ConcentrationErrM)));
        MeasuredVelocitiesCsv.Write(Path.Combine(folder, MeasuredVelocitiesCsv.RelativePath), measured.Velocities);
        return (folder, measured);
    }

    [Fact]
    public void LoaderReadsWhatWasWritten()
    {
        var (folder, measured) = WriteBeamtime();
        var loaded = MeasuredBeamtimeLoader.Load(folder);
        Assert.Equal(measured.Current, loaded.Measured.Current);
        Assert.Equal(measured.Profiles, loaded.Measured.Profiles);
        Assert.Equal(measured.Velocities, loaded.Measured.Velocities);
        Assert.Equal(measured.Cell, loaded.Measured.Cell);
    }

    [Fact]
    public void RunFolderFitsTakePrecedenceAndUnresolvableSeriesAreSkipped()
    {
        var (folder, _) = WriteBeamtime();
        string run = Path.Combine(_root, "run");
        FitJson.Write(Path.Combine(run, "xpcs", "a", "fit.json"), new FitDocument
        {
            Series = "a", PositionMm = -0.15, PolarizationTimeMin = 300, Bins = [],
            Velocity = new FitVelocityJson { Resolvable = true, SpeedAPerS = 34.1, SpeedErrAPerS = 1.2, Method = "test" },
        });
        FitJson.Write(Path.Combine(run, "xpcs", "b", "fit.json"), new FitDocument
        {
            Series = "b", PositionMm = 0.2, PolarizationTimeMin = 300, Bins = [],
            Velocity = new FitVelocityJson { Resolvable = false, Method = "test", Reason = "no oscillation" },
        });
        var loaded = MeasuredBeamtimeLoader.Load(folder, run);
        var v = Assert.Single(loaded.Measured.Velocities);
        Assert.Equal(new VelocityPoint(300, -0.15, 34.1, 1.2, VelocitySource.Fit, "a"), v);
        Assert.Contains(loaded.Notes, n => n.Contains("series b skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void CompareWritesSimulationsAndAComparisonThatRoundTrips()
    {
        var (folder, _) = WriteBeamtime();
        string run = Path.Combine(_root, "out");
        var options = new ComparisonFileOptions { CellCount = ComparisonTestData.Cells };
        var first = ComparisonFiles.Run(folder, null, run, options);
        Assert.Equal(["PNB", "RS"], first.SimulatedSets);
        Assert.Equal("RS", first.Comparison.Ranking[0].Set);
        Assert.True(File.Exists(Path.Combine(run, "simulations", "RS.json")));
        var again = ComparisonFiles.Run(folder, null, run, options);
        Assert.Equal(["PNB", "RS"], again.ReusedSets);
        Assert.Equal(first.Comparison.Ranking.Select(r => r.Set), again.Comparison.Ranking.Select(r => r.Set));

        string json = File.ReadAllText(first.ComparisonPath);
        var document = ComparisonJson.Deserialize(json, first.ComparisonPath);
        Assert.Equal(json, ComparisonJson.Serialize(document));
        Assert.Equal([200.0, 400.0], document.VelocityWindowMin);
        var rs = document.Sets.Single(s => s.Set == "RS");
        Assert.All(rs.Current.RatioPredictedToMeasured, r => Assert.Equal(1.0, r!.Value, 9));
        Assert.Equal(3, document.Measured.Velocities.Select(v => v.PositionMm).Distinct().Count());
    }

    [Theory]
    [InlineData("echem.csv", "time_min,current_mA_cm2\n0,0.9\n10,abc\n", "line 3: column current_mA_cm2: non-numeric cell 'abc'")]
    [InlineData("echem.csv", "time_min,current\n0,0.9\n", "missing column current_mA_cm2")]
    [InlineData("measured/velocities.csv", "time_min,position_mm,v_eo_A_per_s,v_eo_err_A_per_s\n300,-0.15,30,-1\n", "negative error")]
    [InlineData("measured/velocities.csv", "time_min,position_mm,v_eo_A_per_s,v_eo_err_A_per_s\n300,-2.5,30,1\n", "outside the 3 mm cell")]
    [InlineData("measured/profiles.csv", "time_min,position_mm,concentration_M\n300,0,1.8\n", "missing column concentration_err_M")]
    public void BadCsvIsAContractErrorNamingTheFile(string file, string content, string problem)
    {
        var (folder, _) = WriteBeamtime();
        string path = Path.Combine(folder, file);
        File.WriteAllText(path, content);
        var error = Assert.Throws<DataContractException>(() => MeasuredBeamtimeLoader.Load(folder));
        Assert.Equal(path, error.Source);
        Assert.Contains(problem, error.Problem);
    }

    [SkippableFact]
    public void ImportOfTheStudyDataGivesABeamtimeThatCompareAccepts()
    {
        string? shared = RepoPaths.SharedData;
        Skip.If(shared is null || !Directory.Exists(Path.Combine(shared, "steinrueck2020_operando")), RepoPaths.Missing(Path.Combine(RepoPaths.ExpectedSharedData, "steinrueck2020_operando")));
        string beamtime = Path.Combine(_root, "steinrueck");
        var import = SteinrueckImport.Run(Path.Combine(shared!, "steinrueck2020_operando"), beamtime);
        Assert.Equal((340, 220, 9, 98, 5), (import.CurrentPoints, import.ProfilePoints, import.ProfileTimes, import.VelocityPoints, import.VelocityPositions));
        var loaded = MeasuredBeamtimeLoader.Load(beamtime);
        // x_file − 1.5 mm (the study's labels are the mirror image, x_study = 1.5 − x_file).
        Assert.Equal([-0.55, -0.2, 0.15, 0.5, 0.85], loaded.Measured.VelocityPositionsMm.Select(x => Math.Round(x, 9)));
        Assert.Equal(0.9045893719806763, loaded.Measured.Current[0].CurrentMAPerCm2);
        // Salt piles up at the stripping electrode (−L/2): the latest profile falls with position.
        var late = loaded.Measured.Profiles.Where(p => p.TimeMin == 1100).OrderBy(p => p.PositionMm).ToList();
        Assert.True(late[0].ConcentrationM > late[^1].ConcentrationM + 0.5);

        var run = ComparisonFiles.Run(beamtime, null, Path.Combine(_root, "steinrueck-out"), new ComparisonFileOptions { Sets = ["RS"], CellCount = 48 });
        var set = run.Comparison.Sets.Single();
        Assert.Equal(5, set.Velocities.Positions.Count);
        Assert.Equal(9, set.Profiles.Count);
        Assert.Equal(1.0, set.Current.RatioPredictedToMeasured[0], 0.05);
        Assert.NotNull(ComparisonJson.Read(run.ComparisonPath));
    }

    [Fact]
    public void ImportOfAMissingFolderOrBadFileIsAContractError()
    {
        Assert.Throws<DataContractException>(() => SteinrueckImport.Run(Path.Combine(_root, "absent"), Path.Combine(_root, "o")));
        string from = Path.Combine(_root, "published");
        Directory.CreateDirectory(from);
        File.WriteAllText(Path.Combine(from, "current_density.csv"), "0, 0.9\n0.1, x\n");
        File.WriteAllText(Path.Combine(from, "t=0020.csv"), "0.7, 1.9\n");
        File.WriteAllText(Path.Combine(from, "x=0.95.csv"), "0.3, 8.5\n");
        var error = Assert.Throws<DataContractException>(() => SteinrueckImport.Run(from, Path.Combine(_root, "o")));
        Assert.Equal(Path.Combine(from, "current_density.csv"), error.Source);
        Assert.Contains("line 2", error.Problem);
        Assert.False(File.Exists(Path.Combine(_root, "o", "beamtime.json")));
    }
}
