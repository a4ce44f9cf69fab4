using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>The partial g2 and fit of the first chunks of a series, and how many frames they hold.</summary>
public sealed record SeriesPrefixResult(SeriesManifest Declared, int ChunksCovered, int FramesCovered, FitDocument Fit);

/// <summary>
/// Live feedback while a series is acquired: correlates and fits only its first chunks (0..k−1, in order) as a series of
/// their frames, with the series' own detector, q-map, mask and multi-tau settings. The result is a preview: its lags
/// end at the frames covered and its errors are those of fewer frames; the final result of the whole series is
/// computed separately and does not depend on it.
/// </summary>
public static class SeriesPrefixAnalysis
{
    /// <summary>
    /// Analyses chunks 0..<paramref name="chunks"/>−1 of a working copy of a series folder (its series.json is replaced
    /// by the prefix's; the folder must hold no later chunk) and writes the partial g2 to <paramref name="g2Path"/>.
    /// <paramref name="cancellation"/> is checked between batches of frames.
    /// </summary>
    public static SeriesPrefixResult AnalyzeWorkingCopy(string seriesFolder, int chunks, AnionConcentration concentration, string g2Path,
        SeriesCorrelationOptions? correlation = null, FitOptions? fit = null, CancellationToken cancellation = default)
    {
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        var declared = SeriesManifest.Load(manifestPath);
        if (declared.Raw is not null) throw new DataContractException(manifestPath, "a partial result needs contract chunks (the detector's own files are analysed once complete)");
        if (chunks < 1 || chunks >= declared.Chunks)
            throw new DataContractException(manifestPath, $"a partial result covers 1..{declared.Chunks - 1} chunks, not {chunks}");
        int frames = 0;
        for (int k = 0; k < chunks; k++)
        {
            using var reader = ChunkFileReader.Open(Path.Combine(seriesFolder, SeriesManifest.ChunkFileName(k)));
            frames += reader.FrameCount;
        }
        if (frames < 2 || frames >= declared.Frames)
            throw new DataContractException(manifestPath, $"chunks 0..{chunks - 1} hold {frames} frames; a partial result needs 2..{declared.Frames - 1}");
        var prefix = declared with { Frames = frames, Chunks = chunks };
        prefix.Save(manifestPath);
        var progress = new Progress(cancellation);
        var correlated = SeriesCorrelation.Correlate(seriesFolder, correlation, progress);
        cancellation.ThrowIfCancellationRequested();
        var seriesFit = HeterodyneSeriesFitter.Fit(correlated, fit);
        var document = SeriesAnalysis.Document(seriesFit, prefix, concentration, correlated.QMap);
        G2FileWriter.Write(g2Path, correlated);
        return new SeriesPrefixResult(declared, chunks, frames, document);
    }

    /// <summary>Stops a correlation between batches once cancelled (the correlator's progress callback).</summary>
    private sealed class Progress(CancellationToken cancellation) : IProgress<long>
    {
        public void Report(long value) => cancellation.ThrowIfCancellationRequested();
    }
}
