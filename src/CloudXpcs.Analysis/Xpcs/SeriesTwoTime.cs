using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>The two-time correlator of a series, its bins and frame selection checked against the q-map and its cost against the budget first.</summary>
public static class SeriesTwoTime
{
    /// <param name="pixelType">The frames' pixel type (uint16 frames are cached in float32, exactly).</param>
    /// <param name="multiTauBytes">The multi-tau correlator's estimated bytes when it runs in the same pass; 0 when two-time runs alone.</param>
    public static TwoTimeCorrelator Create(QMap map, SeriesManifest manifest, TwoTimeOptions options, ResourceBudget? budget, string source,
        FramePixelType pixelType, long multiTauBytes = 0)
    {
        TwoTimeCorrelator correlator;
        try
        {
            options.Validate();
            int[] bins = TwoTimeCorrelator.SelectBins(map, options.Bins);
            long n = options.CorrelatorFrames(manifest.Frames);
            int bits = RawValueBits(pixelType);
            var cost = TwoTimeCost.Of(n, bins.Select(b => map.DynamicPixelCounts[b]).ToArray(), Environment.ProcessorCount,
                TwoTimeCorrelator.CacheBytesPerValue(bits, options.AverageFrames), multiTauBytes);
            (budget ?? ResourceBudget.FromEnvironment()).CheckTwoTime(cost, source);
            correlator = new TwoTimeCorrelator(map, manifest.Frames, options, bits);
        }
        catch (ArgumentException e)
        {
            throw new DataContractException(source, e.Message);
        }
        return correlator;
    }

    private static int RawValueBits(FramePixelType pixelType) => pixelType == FramePixelType.UInt16 ? 16 : 0;
}
