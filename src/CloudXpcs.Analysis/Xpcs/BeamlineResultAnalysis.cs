using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>A beamline result file fitted: the heterodyne speed fit of every q/φ bin and the relaxation per bin.</summary>
public sealed record BeamlineResultFit(G2File G2, SeriesFit Fit, IReadOnlyList<RelaxationFit> Relaxation, FitDocument Document);

/// <summary>
/// Fits the g2 of an APS 8-ID-I result file (boost_corr) without a series.json: q and φ of each bin from its qmap,
/// delays = delay_list · frame_time · stride_frame · avg_frame, each delay's averaging width from the multi-tau lag
/// ladder, the spread of ω over a bin from the bin widths. The speed is only reported when resolvable; the relaxation
/// (τ0, stretching, contrast) is reported per bin either way.
/// </summary>
public static class BeamlineResultAnalysis
{
    public static BeamlineResultFit Fit(string resultPath, FitOptions? options = null)
    {
        var g2 = G2File.Read(resultPath);
        if (!g2.IsBeamlineResult)
            throw new DataContractException(resultPath, "is a CloudXpcs g2.h5, not a beamline result file: fit it with --series series.json");
        var (fit, relaxation) = FitG2(g2, resultPath, options);
        string name = Path.GetFileName(resultPath);
        var document = FitDocument.From(fit, name, double.NaN, double.NaN) with
        {
            Relaxation = relaxation.Select(FitRelaxationJson.From).ToList(),
            G2Source = name,
        };
        return new BeamlineResultFit(g2, fit, relaxation, document);
    }

    /// <summary>The speed fit and the relaxation per populated bin of a read beamline result file.</summary>
    public static (SeriesFit Fit, IReadOnlyList<RelaxationFit> Relaxation) FitG2(G2File g2, string resultPath, FitOptions? options = null)
    {
        int bins = g2.BinCount;
        var q = new double[bins];
        var chi = new double[bins];
        for (int b = 0; b < bins; b++) { q[b] = g2.QOfBin(b); chi[b] = g2.ChiOfBin(b); }
        int[] averagingFrames = AveragingFrames(g2.LagFrames, resultPath);
        double qWidth = g2.QCentersInvA.Length > 1 ? (g2.QCentersInvA[^1] - g2.QCentersInvA[0]) / (g2.QCentersInvA.Length - 1) : 0.0;
        var fit = HeterodyneSeriesFitter.Fit(g2.DelaysS, g2.G2, g2.G2Err, q, chi, g2.DynamicPixelCounts, options, averagingFrames, g2.FrameTimeS,
            qWidth, 360.0 / g2.PhiBins);
        var relaxation = RelaxationFitter.FitColumns(g2.DelaysS, g2.G2, g2.G2Err, q, chi)
            .Where(r => g2.DynamicPixelCounts[r.Bin] > 0).ToList();
        return (fit, relaxation);
    }

    public static BeamlineResultFit FitToJson(string resultPath, string fitJsonPath, FitOptions? options = null)
    {
        var result = Fit(resultPath, options);
        FitJson.Write(fitJsonPath, result.Document);
        return result;
    }

    /// <summary>
    /// The analyze-series outputs of a beamline result file: OUT/fit.json and the result file itself as OUT/g2.h5 (it is
    /// already in the g2.h5 layout; CloudXpcs does not correlate again). The fit is computed before anything is written.
    /// </summary>
    public static BeamlineResultFit AnalyzeToFolder(string resultPath, string outFolder, FitOptions? options = null)
    {
        var result = Fit(resultPath, options);
        Directory.CreateDirectory(outFolder);
        AtomicFile.Write(Path.Combine(outFolder, SeriesAnalysis.G2FileName), temporaryPath => File.Copy(resultPath, temporaryPath, overwrite: true));
        FitJson.Write(Path.Combine(outFolder, SeriesAnalysis.FitFileName), result.Document);
        return result;
    }

    /// <summary>True for a path that names an HDF5 result file rather than series.json or a series folder.</summary>
    public static bool IsResultFilePath(string path) =>
        File.Exists(path) && (path.EndsWith(".hdf", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// 2^level of each lag of a multi-tau ladder (DATA_CONTRACT 3; boost_corr uses the same): the 2d lags 1..2d of
    /// level 0, then lags k·2^l with d &lt; k ≤ 2d.
    /// </summary>
    public static int[] AveragingFrames(long[] lagFrames, string source)
    {
        int firstLevel = 0;
        while (firstLevel < lagFrames.Length && lagFrames[firstLevel] == firstLevel + 1) firstLevel++;
        if (firstLevel == 0 || firstLevel % 2 != 0 && firstLevel != lagFrames.Length)
            throw new DataContractException(source, $"{G2Paths.DelayList} is not a multi-tau ladder (it starts {string.Join(", ", lagFrames.Take(4))})");
        long twoD = firstLevel;
        var averaging = new int[lagFrames.Length];
        for (int i = 0; i < lagFrames.Length; i++)
        {
            long lag = lagFrames[i];
            int level = 0;
            while (lag >> level > twoD) level++;
            if (lag % (1L << level) != 0 || level > 0 && (lag >> level) <= twoD / 2)
                throw new DataContractException(source, $"{G2Paths.DelayList} is not a multi-tau ladder with {twoD / 2} delays per level (lag {lag})");
            averaging[i] = 1 << level;
        }
        return averaging;
    }
}
