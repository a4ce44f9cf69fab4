using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>A series given as a result file, fitted: its fit and fit.json document.</summary>
public sealed record ResultSeriesFit(ResultSeriesManifest Series, SeriesFit Fit, FitDocument Document);

/// <summary>
/// A series of a beamtime given as a correlation result file instead of raw frames (<see cref="ResultSeriesManifest"/>):
/// correlation is skipped and the file's g2 is fitted. A beamline result file is fitted as <c>cloudxpcs fit --g2</c>
/// fits it (<see cref="BeamlineResultAnalysis.FitG2"/>: q and φ from its qmap, delays = delay_list · frame_time ·
/// stride · avg); a CloudXpcs g2.h5 as its raw series would be (<see cref="SeriesAnalysis.FitG2File"/> on the q-map
/// rebuilt from the file), so both give the same numbers. fit.json carries the series' position and time from
/// series.json and the anion velocities from the beamtime's concentration, as for a raw series.
/// </summary>
public static class ResultSeriesAnalysis
{
    public static ResultSeriesFit Fit(ResultSeriesManifest series, string resultPath, AnionConcentration concentration, FitOptions? options = null)
    {
        var g2 = G2File.Read(resultPath);
        FitDocument document;
        SeriesFit fit;
        if (G2FileQMapSource.ReadOrNull(resultPath) is { } source)
        {
            var manifest = ManifestOf(series, g2, source, resultPath);
            var qmap = source.BuildQMap();
            fit = SeriesAnalysis.FitG2File(g2, manifest, resultPath, options, qmap);
            document = SeriesAnalysis.Document(fit, manifest, concentration, qmap);
        }
        else
        {
            var (beamlineFit, relaxation) = BeamlineResultAnalysis.FitG2(g2, resultPath, options);
            fit = beamlineFit;
            document = SeriesAnalysis.Document(fit, series.Series, series.PositionMm, series.PolarizationTimeMin, concentration) with
            {
                Relaxation = relaxation.Select(FitRelaxationJson.From).ToList(),
            };
        }
        return new ResultSeriesFit(series, fit, document with { G2Source = series.ResultPath });
    }

    /// <summary>
    /// Offline analysis of a result series folder (…/{beamtime}/xpcs/{series}/ holding series.json and the result file):
    /// OUT/fit.json, and the result file as OUT/g2.h5 (already in the g2.h5 layout). The fit is computed before anything is written.
    /// </summary>
    public static ResultSeriesFit AnalyzeToFolder(string seriesFolder, string outFolder, double? concentrationM = null, FitOptions? options = null)
    {
        var series = ResultSeriesManifest.Load(Path.Combine(seriesFolder, SeriesManifest.FileName));
        string resultPath = series.ResultFileIn(seriesFolder);
        if (!File.Exists(resultPath))
            throw new DataContractException(Path.Combine(seriesFolder, SeriesManifest.FileName), $"the result file '{series.ResultPath}' it names is not in the series folder");
        var concentration = SeriesAnalysis.Concentration(seriesFolder, concentrationM, series.PolarizationTimeMin, series.PositionMm);
        var result = Fit(series, resultPath, concentration, options);
        Directory.CreateDirectory(outFolder);
        AtomicFile.Write(Path.Combine(outFolder, SeriesAnalysis.G2FileName), temporaryPath => File.Copy(resultPath, temporaryPath, overwrite: true));
        FitJson.Write(Path.Combine(outFolder, SeriesAnalysis.FitFileName), result.Document);
        return result;
    }

    /// <summary>The series.json the raw series of a CloudXpcs g2.h5 had, as far as the fit needs it (one chunk: chunks do not enter the fit).</summary>
    private static SeriesManifest ManifestOf(ResultSeriesManifest series, G2File g2, G2FileQMapSource source, string resultPath)
    {
        if (source.Frames is < 2 or > int.MaxValue) throw new DataContractException(resultPath, $"{G2Paths.Frames} is {source.Frames}, not a frame count");
        int levelZero = 0;
        while (levelZero < g2.LagFrames.Length && g2.LagFrames[levelZero] == levelZero + 1) levelZero++;
        // The ladder's level 0 holds 2·delays_per_level lags; FitG2File checks the whole ladder against the file.
        int delaysPerLevel = Math.Max(1, levelZero / 2);
        return new SeriesManifest
        {
            Beamtime = series.Beamtime,
            Series = series.Series,
            Frames = (int)source.Frames,
            Chunks = 1,
            FrameTimeS = g2.FrameTimeS,
            PositionMm = series.PositionMm,
            PolarizationTimeMin = series.PolarizationTimeMin,
            Detector = source.Detector,
            FlowAxisDeg = source.FlowAxisDeg,
            QMap = source.Spec,
            DelaysPerLevel = delaysPerLevel,
        };
    }
}
