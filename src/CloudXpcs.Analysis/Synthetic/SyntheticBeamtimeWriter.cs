using System.Globalization;
using System.Text;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Synthetic;
using CloudXpcs.Data;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Analysis.Synthetic;

/// <summary>What a synthetic beamtime holds; the defaults follow the study's cell and measurement plan.</summary>
public sealed record SyntheticBeamtimeSpec
{
    public string Beamtime { get; init; } = "synthetic-beamtime";
    /// <summary>The transport set whose continuum run the synthetic measurements follow.</summary>
    public string TruthSet { get; init; } = "RS";
    public IReadOnlyList<string> TransportSets { get; init; } = ["PNB", "RS"];
    public IReadOnlyList<double> SeriesTimesMin { get; init; } = [60, 300];
    public IReadOnlyList<double> XamTimesMin { get; init; } = [0, 60, 151, 314, 511, 707, 1000];
    public int Frames { get; init; } = 1024;
    public double FrameTimeS { get; init; } = 0.2;
    public int DetectorBinning { get; init; } = 4;
    public int Seed { get; init; } = 2020;
}

/// <summary>One synthetic series and the speed it was made with.</summary>

public sealed record SyntheticBeamtime(string Folder, CellSimulationResult Simulation, IReadOnlyList<SyntheticSeriesTruth> Series);

/// <summary>
/// Writes a whole synthetic beamtime in the contract layout (beamtime.json, echem.csv, xam/, xpcs/) whose current,
/// concentration profiles and polymer speeds follow one continuum-model run of the study's cell, with the truth in
/// truth.json. XAM scans use representative optical constants at 10.9 keV and Poisson counting noise.
/// </summary>
public static class SyntheticBeamtimeWriter
{
    private const double SampleThicknessCm = 0.1;
    private const double MassAttenuationLiTfsiCm2PerG = 17.0;
    private const double MassAttenuationPeoCm2PerG = 3.5;
    private const double XamIncidentCounts = 2e6;

    public static SyntheticBeamtime Write(string beamtimeFolder, SyntheticBeamtimeSpec spec, Action<string>? step = null)
    {
        Directory.CreateDirectory(beamtimeFolder);
        var cell = new BeamtimeCell(LengthMm: 3.0, VoltageV: 0.3, TemperatureC: 90, RInitial: 0.1, InitialConcentrationM: 1.87);
        new BeamtimeManifest
        {
            Beamtime = spec.Beamtime, Cell = cell, StrippingElectrodeSide = -1, TransportSets = spec.TransportSets,
        }.Save(Path.Combine(beamtimeFolder, BeamtimeManifest.FileName));

        step?.Invoke($"continuum model ({spec.TruthSet})");
        var measurementTimesS = spec.SeriesTimesMin.Concat(spec.XamTimesMin).Select(t => t * 60).ToArray();
        double durationS = measurementTimesS.Max();
        var simulation = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = BuiltInTransportSets.Get(spec.TruthSet),
            OutputTimesS = CellSimulationSpec.EveryTenMinutesS(durationS).Concat(measurementTimesS).Distinct().Order().ToArray(),
            DurationS = durationS,
        });
        WriteEchem(Path.Combine(beamtimeFolder, EchemCsv.FileName), simulation);
        step?.Invoke("XAM scans");
        WriteXam(Path.Combine(beamtimeFolder, XamBeamtime.FolderName), simulation, spec, cell.InitialConcentrationM);

        var truths = new List<SyntheticSeriesTruth>();
        int seed = spec.Seed;
        foreach (double timeMin in spec.SeriesTimesMin)
        {
            int t = Array.FindIndex(simulation.TimesS, s => Math.Abs(s - timeMin * 60) < 1e-6);
            for (int p = 0; p < simulation.PositionsMm.Length; p++)
            {
                double positionMm = simulation.PositionsMm[p];
                double speedAPerS = Math.Abs(simulation.SolventVelocityLabMPerS[p][t]) * 1e10;
                string series = string.Create(CultureInfo.InvariantCulture, $"x{positionMm:+0.00;-0.00}_t{timeMin:0000}");
                step?.Invoke($"series {series}");
                SyntheticSeriesWriter.Write(Path.Combine(beamtimeFolder, "xpcs", series), spec.Beamtime, series, new HeterodyneSeriesSpec
                {
                    Geometry = ReducedDetector.ContractExampleBinned(spec.DetectorBinning),
                    Frames = spec.Frames, FrameTimeS = spec.FrameTimeS, SpeedAPerS = speedAPerS,
                    ContrastBeta = 0.2, HeterodyneFraction = 0.5, Tau0S = 300, MeanCountsPerPixelPerFrame = 0.5,
                    Seed = seed++, PositionMm = positionMm, PolarizationTimeMin = timeMin,
                }, chunks: 2);
                truths.Add(new SyntheticSeriesTruth(series, positionMm, timeMin, speedAPerS));
            }
        }
        TruthJson.WriteBeamtime(beamtimeFolder, new SyntheticBeamtimeTruth(spec.TruthSet, truths));
        return new SyntheticBeamtime(beamtimeFolder, simulation, truths);
    }

    private static void WriteEchem(string path, CellSimulationResult simulation)
    {
        var csv = new StringBuilder("time_min,current_mA_cm2,voltage_V\n");
        for (int i = 0; i < simulation.TimesS.Length; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{simulation.TimesS[i] / 60:R},{simulation.CurrentDensityAPerM2[i] / 10:R},{simulation.VoltageV[i]:R}\n");
        AtomicFile.WriteAllText(path, csv.ToString());
    }

    private static void WriteXam(string folder, CellSimulationResult simulation, SyntheticBeamtimeSpec spec, double initialConcentrationM)
    {
        Directory.CreateDirectory(folder);
        var optics = new OpticalConstants(SampleThicknessCm, MassAttenuationLiTfsiCm2PerG, MassAttenuationPeoCm2PerG, PartialMolarVolumes.Study);
        // The raster positions as a stage records them (0.05 mm steps), not with the sum's rounding (-1.3499999999999999).
        var positionsMm = Enumerable.Range(0, 59).Select(i => Math.Round(-1.45 + 0.05 * i, 2)).ToArray();
        var simulator = new XamScanSimulator(spec.Seed);
        foreach (double timeMin in spec.XamTimesMin)
        {
            var scan = simulator.Simulate(string.Create(CultureInfo.InvariantCulture, $"scan_t{timeMin:0000}"), new XamScanSpec(
                timeMin, positionsMm,
                x => CellModelComparison.ConcentrationAt(simulation, timeMin * 60, x) / 1000.0,
                optics.SensitivityPerM,
                x => 1.2 + 0.03 * Math.Sin(7 * x), // windows, salt-free polymer and detector efficiency, uneven across the cell
                XamIncidentCounts,
                k => 1.0 + 0.1 * Math.Sin(0.3 * k)));
            XamScanCsv.Write(Path.Combine(folder, scan.Name + ".csv"), scan);
        }
        AtomicFile.WriteAllText(Path.Combine(folder, XamBeamtime.CalibrationFileName), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "reference_time_min": 0.0,
              "initial_concentration_M": {{initialConcentrationM}},
              "thickness_cm": {{SampleThicknessCm}},
              "mass_attenuation_LiTFSI_cm2_per_g": {{MassAttenuationLiTfsiCm2PerG}},
              "mass_attenuation_PEO_cm2_per_g": {{MassAttenuationPeoCm2PerG}}
            }
            """));
    }
}
