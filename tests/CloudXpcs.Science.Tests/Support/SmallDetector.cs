using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Tests.Support;

/// <summary>Small detectors whose q range is chosen so that pixels fall into several q/χ bins, some outside.</summary>
public static class SmallDetector
{
    public static DetectorGeometry Geometry(int rows = 13, int cols = 21) =>
        new(rows, cols, PixelSizeM: 75e-6, DistanceM: 8.0, BeamCenterRow: rows / 2.0 - 0.3, BeamCenterCol: cols / 3.0, EnergyKeV: 10.9);

    /// <summary>A q range that leaves the pixels nearest the beam and the outermost ones out of every bin.</summary>
    public static QMap Map(DetectorGeometry g, int qBins = 3, int phiBins = 4, int staticPerDynamic = 2, byte[]? mask = null)
    {
        double qMax = 0;
        for (int r = 0; r < g.Rows; r++)
        for (int c = 0; c < g.Cols; c++) qMax = Math.Max(qMax, g.QInvA(r, c));
        var spec = new QMapSpec(qMax * 0.12, qMax * 0.9, qBins, phiBins, staticPerDynamic);
        return QMap.Build(g, spec, flowAxisDeg: 10.0, mask ?? default);
    }

    /// <summary>Poisson counts, frame-major.</summary>
    public static ushort[] PoissonFrames(int frames, int pixels, double mean, int seed)
    {
        var rng = new Random(seed);
        var data = new ushort[frames * pixels];
        double limit = Math.Exp(-mean);
        for (int i = 0; i < data.Length; i++)
        {
            int k = 0;
            double p = rng.NextDouble();
            while (p > limit) { p *= rng.NextDouble(); k++; }
            data[i] = (ushort)k;
        }
        return data;
    }
}
