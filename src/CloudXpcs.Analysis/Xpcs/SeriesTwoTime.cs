using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>The two-time correlator of a series, its bins and frame selection checked against the q-map and its cost against the budget first.</summary>
public static class SeriesTwoTime
{
    public static TwoTimeCorrelator Create(QMap map, SeriesManifest manifest, TwoTimeOptions options, ResourceBudget? budget, string source)
    {
        TwoTimeCorrelator correlator;
        try
        {
            options.Validate();
            int[] bins = TwoTimeCorrelator.SelectBins(map, options.Bins);
            long n = options.CorrelatorFrames(manifest.Frames);
            (budget ?? ResourceBudget.FromEnvironment()).CheckTwoTime(TwoTimeCost.Of(n, bins.Select(b => map.DynamicPixelCounts[b]).ToArray()), source);
            correlator = new TwoTimeCorrelator(map, manifest.Frames, options);
        }
        catch (ArgumentException e)
        {
            throw new DataContractException(source, e.Message);
        }
        return correlator;
    }
}
