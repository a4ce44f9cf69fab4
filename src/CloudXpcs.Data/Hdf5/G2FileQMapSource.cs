using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// What a CloudXpcs g2.h5 says about the q-map it was correlated with: detector geometry, q/χ binning, flow axis,
/// frames and the pixels in a bin (/xpcs/qmap/mask). <see cref="BuildQMap"/> rebuilds that q-map pixel for pixel, so a
/// g2.h5 given in place of its raw series is fitted exactly as the series itself (the bin spread needs every pixel's q).
/// </summary>
public sealed record G2FileQMapSource(DetectorGeometry Detector, QMapSpec Spec, double FlowAxisDeg, long Frames, byte[] Mask, string Path = "", int[]? DynamicRoi = null)
{
    /// <summary>Reads the q-map source of a CloudXpcs g2.h5; null for a result file of another correlator (no /xpcs/cloudxpcs).</summary>
    public static G2FileQMapSource? ReadOrNull(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        if (!ContractHdf5.Guard(path, () => file.LinkExists(G2Paths.CloudXpcsGroup))) return null;
        var mask = Hdf5Numbers.Read(file, path, G2Paths.Mask, 2);
        double Scalar(string dataset) => Hdf5Numbers.ReadFloat64(file, path, dataset, 0, 1).Scalar;
        var q = Hdf5Numbers.ReadFloat64(file, path, G2Paths.QCenters, 1).Data;
        int phiBins = Hdf5Numbers.ReadFloat64(file, path, G2Paths.ChiCenters, 1).Data.Length;
        // Files written before q_range was added: the edges from the centres (the bins are uniform), to rounding.
        double[] range = ContractHdf5.Guard(path, () => file.LinkExists(G2Paths.QRange))
            ? Hdf5Numbers.ReadFloat64(file, path, G2Paths.QRange, 1).Data
            : EdgesOfCentres(q);
        if (range.Length != 2) throw new DataContractException(path, $"{G2Paths.QRange} must hold 2 values (got {range.Length})");
        var detector = new DetectorGeometry(
            Rows: (int)mask.Dims[0],
            Cols: (int)mask.Dims[1],
            PixelSizeM: Scalar(G2Paths.PixelSize),
            DistanceM: Scalar(G2Paths.DetectorDistance),
            BeamCenterRow: Scalar(G2Paths.BeamCenterY),
            BeamCenterCol: Scalar(G2Paths.BeamCenterX),
            EnergyKeV: Scalar(G2Paths.QMapEnergy));
        var spec = new QMapSpec(range[0], range[1], q.Length, phiBins, (int)Hdf5Numbers.Read(file, path, G2Paths.StaticPerDynamic, 0).Scalar);
        try
        {
            detector.Validate();
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new DataContractException(path, "its q-map is not valid: " + e.Message);
        }
        return new G2FileQMapSource(detector, spec, Scalar(G2Paths.FlowAxis), (long)Hdf5Numbers.Read(file, path, G2Paths.Frames, 0).Scalar,
            Array.ConvertAll(mask.Data, v => v != 0 ? (byte)1 : (byte)0), path,
            Array.ConvertAll(Hdf5Numbers.Read(file, path, G2Paths.DynamicRoiMap, 2).Data, v => (int)v));
    }

    /// <summary>The q-map the file was correlated with (its binned pixels as the mask: the same bins, pixel for pixel).</summary>
    public QMap BuildQMap()
    {
        var qmap = QMap.Build(Detector, Spec, FlowAxisDeg, Mask);
        // A g2.h5 correlated with a masking tool's q-map (series.json qmap_file) has bins no equal-width binning rebuilds.
        if (DynamicRoi is not null && !G2QMapLayout.Of(qmap).DynamicRoi.AsSpan().SequenceEqual(DynamicRoi))
            throw new DataContractException(Path, "was correlated with a q-map file (series.json qmap_file), whose bins cannot be rebuilt from it; fit it with the series.json it was correlated from (fit --g2 ... --series ...)");
        return qmap;
    }

    private static double[] EdgesOfCentres(double[] centres)
    {
        double width = centres.Length > 1 ? (centres[^1] - centres[0]) / (centres.Length - 1) : double.NaN;
        return [centres[0] - width / 2, centres[^1] + width / 2];
    }
}
