using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Absorption;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Data;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>How one series is analysed: correlation, fit, and the salt concentration for the anion velocities.</summary>
public sealed record SeriesAnalysisOptions
{
    public SeriesCorrelationOptions Correlation { get; init; } = new();
    public FitOptions? Fit { get; init; }

    /// <summary>Salt concentration (M) for ε of the anion velocities; null: the beamtime's initial concentration, else the default.</summary>
    public double? ConcentrationM { get; init; }

    /// <summary>Time windows along the two-time diagonal for the age-resolved speed (with <see cref="SeriesCorrelationOptions.TwoTime"/>).</summary>
    public int AgeWindows { get; init; } = 4;
}

/// <summary>
/// The salt concentration ε was evaluated at, and where it came from; the cell current at the series' time (mA/cm²,
/// from the beamtime's echem.csv) that sets the Li-interface motion removed from the lab-frame EO velocity, null when unknown.
/// </summary>
public sealed record AnionConcentration(double ConcentrationM, string Source, double? CurrentDensityMAPerCm2 = null, string? CurrentSource = null)
{
    public static AnionConcentration Given(double concentrationM)
    {
        if (!(concentrationM > 0) || !double.IsFinite(concentrationM))
            throw new ArgumentException($"the salt concentration must be positive and finite (got {concentrationM:R} M)");
        return new AnionConcentration(concentrationM, "given (--concentration-M)");
    }

    /// <summary>
    /// What a series at <paramref name="polarizationTimeMin"/> and <paramref name="positionMm"/> gets: the concentration
    /// from the measured profiles there (<see cref="Local"/>) when there are profiles, else <paramref name="initial"/>; the
    /// current at its time from echem.csv when there is one. Offline and in the pipeline alike, only where the files come from differs.
    /// </summary>
    public static AnionConcentration AtSeries(AnionConcentration initial, IReadOnlyList<CurrentPoint>? echem,
        IReadOnlyList<ConcentrationPoint>? profiles, string profilesName, double? polarizationTimeMin, double? positionMm)
    {
        var concentration = profiles is not null && polarizationTimeMin is { } t && positionMm is { } x
            ? Local(initial, profiles, t, x, profilesName) : initial;
        if (echem is null) return concentration;
        var (current, source) = SeriesAnalysis.CurrentAt(echem, polarizationTimeMin);
        return concentration with { CurrentDensityMAPerCm2 = current, CurrentSource = source };
    }

    /// <summary>
    /// The concentration at the series' time and position from measured profiles (<see cref="LocalConcentration"/>), else
    /// <paramref name="fallback"/> (the initial concentration) when the profiles do not cover it.
    /// </summary>
    public static AnionConcentration Local(AnionConcentration fallback, IReadOnlyList<ConcentrationPoint> profiles, double polarizationTimeMin, double positionMm,
        string profilesName)
    {
        var points = profiles.Select(p => new Science.Comparison.ProfilePoint(p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)).ToList();
        return LocalConcentration.At(points, polarizationTimeMin, positionMm) is double c && c > 0
            ? fallback with { ConcentrationM = c, Source = FormattableString.Invariant($"{profilesName} at {polarizationTimeMin:G4} min, {positionMm:G4} mm (local)") }
            : fallback with { Source = fallback.Source + $" ({profilesName} does not cover the series' time and position)" };
    }

    /// <summary>The beamtime's cell.initial_concentration_M; <see cref="SeriesAnalysis.DefaultConcentrationM"/> for a series outside a beamtime.</summary>
    public static AnionConcentration Of(BeamtimeManifest? beamtime) => beamtime is null
        ? new AnionConcentration(SeriesAnalysis.DefaultConcentrationM, "default (study's initial concentration; series not in a beamtime)")
        : new AnionConcentration(beamtime.Cell.InitialConcentrationM, $"{BeamtimeManifest.FileName} cell.initial_concentration_M");
}

/// <summary>
/// What the fit of one series needs besides its g2, built once by the caller: the manifest (geometry, binning, lag
/// ladder), the q-map of its pixels with the mask applied (null: the fit uses the bin widths) and the salt concentration
/// for the anion velocities.
/// </summary>
public sealed record SeriesFitContext(SeriesManifest Manifest, QMap? QMap, AnionConcentration Concentration);

/// <summary>One analysed series: its correlation (null when fitted from a g2.h5 file) and its fit.json document.</summary>
public sealed record SeriesAnalysisResult(SeriesManifest Manifest, MultiTauResult? Correlation, SeriesFit Fit, FitDocument Document);

/// <summary>
/// Correlation and heterodyne fit of one series folder into g2.h5 and fit.json (DATA_CONTRACT sections 3, 4, 5.1, 5.2).
/// The local salt concentration is not known from one series, so the anion velocities use the beamtime's initial
/// concentration (…/{beamtime}/xpcs/{series}/ → …/{beamtime}/beamtime.json) unless one is given; outside a beamtime
/// the default <see cref="DefaultConcentrationM"/> is used. fit.json records which value was used.
/// </summary>
public static class SeriesAnalysis
{
    public const string G2FileName = G2Paths.FileName;
    public const string FitFileName = FitJson.FileName;

    /// <summary>The study's initial LiTFSI concentration (r = 0.1).</summary>
    public const double DefaultConcentrationM = 1.87;

    /// <summary>
    /// Correlates and fits a series folder and writes OUT/g2.h5 and OUT/fit.json. Both are computed before either
    /// is written, so a series that breaks the contract leaves neither behind.
    /// </summary>
    public static SeriesAnalysisResult AnalyzeToFolder(string seriesFolder, string outFolder, SeriesAnalysisOptions? options = null,
        IProgress<long>? framesDone = null)
    {
        options ??= new SeriesAnalysisOptions();
        var manifest = SeriesManifest.Load(Path.Combine(seriesFolder, SeriesManifest.FileName));
        var concentration = Concentration(seriesFolder, options.ConcentrationM, manifest.PolarizationTimeMin, manifest.PositionMm);
        var (correlation, twoTime) = SeriesCorrelation.CorrelateWithTwoTime(seriesFolder, options.Correlation, framesDone);
        var fit = HeterodyneSeriesFitter.Fit(correlation, options.Fit);
        var document = Document(fit, manifest, concentration, correlation.QMap);
        if (twoTime is not null) document = document with { AgeResolvedSpeed = AgeResolved(twoTime, correlation.QMap, options) };
        Directory.CreateDirectory(outFolder);
        G2FileWriter.Write(Path.Combine(outFolder, G2FileName), correlation, twoTime: twoTime);
        FitJson.Write(Path.Combine(outFolder, FitFileName), document);
        return new SeriesAnalysisResult(manifest, correlation, fit, document);
    }

    /// <summary>The speed in <see cref="SeriesAnalysisOptions.AgeWindows"/> windows along the two-time diagonal (fit.json age_resolved_speed).</summary>
    public static IReadOnlyList<FitAgeWindowJson> AgeResolved(TwoTimeResult twoTime, QMap map, SeriesAnalysisOptions options)
    {
        int averaged = twoTime.StrideFrames == 1 ? twoTime.AverageFrames : 1;
        int windows = Math.Max(1, Math.Min(options.AgeWindows, twoTime.Frames / 16));
        return AgeResolvedSpeedFitter.Fit(twoTime.Maps, map, twoTime.CorrelatorFrameTimeS, windows, options.Fit, averaged, twoTime.FrameTimeS)
            .Select(FitAgeWindowJson.From).ToList();
    }

    /// <summary>Fits a g2.h5 file of the series described by <paramref name="seriesJsonPath"/> and writes fit.json.</summary>
    public static SeriesAnalysisResult FitG2FileToJson(string g2Path, string seriesJsonPath, string fitJsonPath, SeriesAnalysisOptions? options = null)
    {
        options ??= new SeriesAnalysisOptions();
        var manifest = SeriesManifest.Load(seriesJsonPath);
        var concentration = Concentration(Path.GetDirectoryName(Path.GetFullPath(seriesJsonPath))!, options.ConcentrationM, manifest.PolarizationTimeMin,
            manifest.PositionMm);
        var g2 = G2File.Read(g2Path);
        return FitG2ToJson(g2, g2Path, new SeriesFitContext(manifest, QMapOfSeries(manifest, seriesJsonPath), concentration), fitJsonPath, options.Fit);
    }

    /// <summary>Fits a read g2.h5 in its context and writes fit.json (with the age-resolved speed of <paramref name="twoTime"/> when given).</summary>
    public static SeriesAnalysisResult FitG2ToJson(G2File g2, string g2Path, SeriesFitContext context, string fitJsonPath, FitOptions? options = null,
        TwoTimeResult? twoTime = null, int ageWindows = 4)
    {
        var fit = FitG2File(g2, context.Manifest, g2Path, options, context.QMap);
        var document = Document(fit, context.Manifest, context.Concentration, context.QMap);
        if (twoTime is not null)
            document = document with
            {
                AgeResolvedSpeed = AgeResolved(twoTime, context.QMap ?? throw new DataContractException(g2Path, "the age-resolved speed needs the series' q-map"),
                    new SeriesAnalysisOptions { Fit = options, AgeWindows = ageWindows }),
            };
        FitJson.Write(fitJsonPath, document);
        return new SeriesAnalysisResult(context.Manifest, null, fit, document);
    }

    /// <summary>
    /// Fits the g2 of a g2.h5 file. Each delay's averaging width (2^level, for the multi-tau averaging factor) comes
    /// from the lag ladder of series.json (frames, delays per level), which must reproduce the file's lag_frames;
    /// the spread of ω over each bin from the pixels of <paramref name="qmap"/> (the series' q-map) when it has the file's
    /// pixel counts, else from the bin widths of the qmap of series.json.
    /// </summary>
    public static SeriesFit FitG2File(G2File g2, SeriesManifest manifest, string g2Path, FitOptions? options = null, QMap? qmap = null)
    {
        if (Math.Abs(g2.FrameTimeS - manifest.FrameTimeS) > 1e-9 * manifest.FrameTimeS)
            throw new DataContractException(g2Path, $"frame_time is {g2.FrameTimeS:R} s, {SeriesManifest.FileName} declares {manifest.FrameTimeS:R} s");
        var ladder = MultiTauLadder.Create(manifest.Frames, manifest.DelaysPerLevel);
        if (ladder.Count != g2.TauCount || !ladder.Select(l => l.LagFrames).SequenceEqual(g2.LagFrames))
            throw new DataContractException(g2Path,
                $"lag_frames ({g2.TauCount} delays) do not match the multi-tau ladder of {SeriesManifest.FileName} " +
                $"({manifest.Frames} frames, {manifest.DelaysPerLevel} delays per level: {ladder.Count} delays)");
        var spec = manifest.QMap;
        if (g2.QCentersInvA.Length != spec.QBins || g2.PhiBins != spec.PhiBins)
            throw new DataContractException(g2Path,
                $"has {g2.QCentersInvA.Length} q x {g2.PhiBins} phi bins, {SeriesManifest.FileName} declares {spec.QBins} x {spec.PhiBins}");
        int bins = g2.BinCount;
        var q = new double[bins];
        var chi = new double[bins];
        for (int b = 0; b < bins; b++) { q[b] = g2.QOfBin(b); chi[b] = g2.ChiOfBin(b); }
        int[] averagingFrames = ladder.Select(l => 1 << l.Level).ToArray();
        bool pixels = qmap is not null && (options ?? FitOptions.Default).ModelBinSpread && qmap.DynamicPixelCounts.SequenceEqual(g2.DynamicPixelCounts);
        return HeterodyneSeriesFitter.Fit(g2.DelaysS, g2.G2, g2.G2Err, q, chi, g2.DynamicPixelCounts, options, averagingFrames, g2.FrameTimeS,
            (spec.QMaxInvA - spec.QMinInvA) / spec.QBins, 360.0 / spec.PhiBins, pixels ? BinOmegaSpread.OfQMap(qmap!) : null);
    }

    /// <summary>
    /// The q-map of the series described by series.json (with its mask), as the correlator builds it; null when the
    /// mask it names is not beside it (a g2.h5 fitted away from its raw series: the fit falls back to the bin widths).
    /// </summary>
    public static QMap? QMapOfSeries(SeriesManifest manifest, string seriesJsonPath)
    {
        byte[]? mask = null;
        if (manifest.MaskPath is { } maskPath)
        {
            string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(seriesJsonPath))!, maskPath.Replace('/', Path.DirectorySeparatorChar));
            if (!File.Exists(path)) return null;
            mask = DetectorMaskFile.Read(path, manifest.Rows, manifest.Cols);
        }
        return SeriesCorrelation.BuildQMap(manifest, mask, seriesJsonPath);
    }

    /// <summary>
    /// The concentration for ε of a series on local files (the command line's context): the given value; else
    /// cell.initial_concentration_M of the beamtime the series folder sits in (…/{beamtime}/xpcs/{series}), or the local
    /// one from its measured profiles at the series' time and position; else <see cref="DefaultConcentrationM"/>. The
    /// current at the series' time comes from the beamtime's echem.csv. Callers that have the series' manifest give its
    /// time and position (a series given as a result file has no raw series.json to read them from).
    /// </summary>
    public static AnionConcentration Concentration(string seriesFolder, double? givenM, double? polarizationTimeMin = null, double? positionMm = null)
    {
        var xpcs = Directory.GetParent(Path.GetFullPath(seriesFolder).TrimEnd(Path.DirectorySeparatorChar));
        var beamtimeFolder = xpcs is { Name: SeriesManifest.XpcsFolder, Parent: { } parent } ? parent.FullName : null;
        string? InBeamtime(string relativePath) =>
            beamtimeFolder is not null && Path.Combine(beamtimeFolder, relativePath) is var path && File.Exists(path) ? path : null;
        var echem = InBeamtime(EchemCsv.FileName) is { } echemPath ? EchemCsv.Read(echemPath) : null;
        if (givenM is { } c) return AnionConcentration.AtSeries(AnionConcentration.Given(c), echem, null, "", polarizationTimeMin, positionMm);
        if (InBeamtime(BeamtimeManifest.FileName) is not { } beamtimeJson)
            return AnionConcentration.AtSeries(AnionConcentration.Of(null), echem, null, "", polarizationTimeMin, positionMm);
        var profiles = InBeamtime(MeasuredBeamtimeLoader.MeasuredProfilesRelativePath) is { } profilesPath ? XamProfilesCsv.Read(profilesPath) : null;
        if (profiles is not null && positionMm is null)
        {
            // A caller without the series' manifest: its time and position from its series.json.
            var manifest = SeriesManifest.Load(Path.Combine(seriesFolder, SeriesManifest.FileName));
            (polarizationTimeMin, positionMm) = (polarizationTimeMin ?? manifest.PolarizationTimeMin, manifest.PositionMm);
        }
        return AnionConcentration.AtSeries(AnionConcentration.Of(BeamtimeManifest.Load(beamtimeJson)), echem, profiles,
            MeasuredBeamtimeLoader.MeasuredProfilesRelativePath, polarizationTimeMin, positionMm);
    }

    /// <summary>|i| at the series' time, linear between echem.csv rows (end values outside); null without rows or time.</summary>
    public static (double? CurrentMAPerCm2, string? Source) CurrentAt(IReadOnlyList<CurrentPoint> echem, double? timeMin)
    {
        if (timeMin is not { } t) return (null, null);
        var rows = echem.OrderBy(p => p.TimeMin).ToArray();
        if (rows.Length == 0) return (null, null);
        int i = Array.FindIndex(rows, p => p.TimeMin >= t);
        double value = i < 0 ? rows[^1].CurrentMAPerCm2 : i == 0 ? rows[0].CurrentMAPerCm2
            : rows[i - 1].CurrentMAPerCm2 + (rows[i].CurrentMAPerCm2 - rows[i - 1].CurrentMAPerCm2) * (t - rows[i - 1].TimeMin) / (rows[i].TimeMin - rows[i - 1].TimeMin);
        return (Math.Abs(value), $"{EchemCsv.FileName} at {t:G4} min");
    }

    /// <summary>
    /// The fit.json document; the anion block only when the speed is resolvable (magnitudes, DATA_CONTRACT 5.2). A resolvable
    /// speed's error is the total of the fit's statistical error and the systematic terms of the q calibration
    /// (<see cref="SpeedSystematics"/>, over the pixels of <paramref name="qmap"/> when given, else over the bin widths).
    /// </summary>
    public static FitDocument Document(SeriesFit fit, SeriesManifest manifest, AnionConcentration concentration, QMap? qmap = null)
    {
        var document = Document(fit, manifest.Series, manifest.PositionMm, manifest.PolarizationTimeMin, concentration);
        if (!fit.Velocity.Resolvable) return document;
        var spec = manifest.QMap;
        var uncertainty = manifest.CalibrationUncertaintyOrDefault;
        var budget = SpeedSystematics.Budget(fit.Velocity, fit.Bins, manifest.Detector, manifest.FlowAxisDeg, uncertainty, qmap,
            (spec.QMaxInvA - spec.QMinInvA) / spec.QBins, 360.0 / spec.PhiBins);
        string source = manifest.Calibration is null
            ? $"defaults (no calibration_uncertainty in {SeriesManifest.FileName})" : $"{SeriesManifest.FileName} calibration_uncertainty";
        return document with { Velocity = FitSpeedSystematicsJson.Apply(document.Velocity, budget, uncertainty, source) };
    }

    /// <summary>
    /// The fit.json document of the series named <paramref name="series"/>, measured at that position and time, without
    /// calibration terms (a beamline result file has no detector calibration uncertainty to propagate).
    /// </summary>
    public static FitDocument Document(SeriesFit fit, string series, double positionMm, double polarizationTimeMin, AnionConcentration concentration)
    {
        AnionVelocity? anion = null;
        if (fit.Velocity is { Resolvable: true, SpeedAPerS: { } speed })
        {
            // The sign is not measured: the EO velocity is taken along the solvent's interface-frame velocity v₀ (away from
            // the stripping electrode), which the interfaces move against (v_int = −|i|V̄_Li/F on that axis).
            double interfaceVelocity = concentration.CurrentDensityMAPerCm2 is { } i ? AnionVelocityFrames.InterfaceVelocityAPerS(i * 10.0) : 0.0;
            var frames = AnionVelocityFrames.FromLabEoVelocity(speed, concentration.ConcentrationM, interfaceVelocity);
            anion = new AnionVelocity(frames.Epsilon, Math.Abs(frames.VTfsiLabAPerS), Math.Abs(frames.VTfsiSolventFrameAPerS),
                concentration.ConcentrationM, concentration.Source, interfaceVelocity,
                concentration.CurrentSource ?? "no echem.csv current at the series' time: interface motion not removed");
        }
        return FitDocument.From(fit, series, positionMm, polarizationTimeMin, anion);
    }
}
