namespace CloudXpcs.Science.Geometry;

/// <summary>
/// Per-pixel dynamic and static bin indices (DATA_CONTRACT section 2). Index −1 means "in no bin"
/// (outside the q range, masked). Dynamic bin b = iq·phi_bins + iχ; static bin = b·static_per_dynamic + sub-bin.
/// </summary>
public sealed class QMap
{
    private QMap(DetectorGeometry geometry, QMapSpec spec, double flowAxisDeg, int[] dynamicBin, int[] staticBin,
        double[]? qCentersInvA = null, double[]? chiCentersDeg = null)
    {
        Geometry = geometry;
        Spec = spec;
        FlowAxisDeg = flowAxisDeg;
        DynamicBinOfPixel = dynamicBin;
        StaticBinOfPixel = staticBin;
        DynamicPixelCounts = new int[spec.DynamicBinCount];
        StaticPixelCounts = new int[spec.StaticBinCount];
        for (int p = 0; p < dynamicBin.Length; p++)
        {
            if (dynamicBin[p] < 0) continue;
            DynamicPixelCounts[dynamicBin[p]]++;
            StaticPixelCounts[staticBin[p]]++;
            BinnedPixelCount++;
        }
        double dq = (spec.QMaxInvA - spec.QMinInvA) / spec.QBins;
        QCentersInvA = qCentersInvA ?? Enumerable.Range(0, spec.QBins).Select(i => spec.QMinInvA + (i + 0.5) * dq).ToArray();
        double dchi = 360.0 / spec.PhiBins;
        ChiCentersDeg = chiCentersDeg ?? Enumerable.Range(0, spec.PhiBins).Select(i => -180.0 + (i + 0.5) * dchi).ToArray();
    }

    /// <summary>
    /// A q-map given bin by bin (e.g. made by a masking tool) rather than by equal-width binning: dynamic bin
    /// b = iq·phi_bins + iφ of each pixel, static bin b·static_per_dynamic + sub, and the bins' q and χ centres.
    /// </summary>
    public static QMap FromBins(DetectorGeometry geometry, QMapSpec spec, double flowAxisDeg, int[] dynamicBin, int[] staticBin,
        double[] qCentersInvA, double[] chiCentersDeg)
    {
        geometry.Validate();
        spec.Validate();
        int n = geometry.PixelCount;
        if (dynamicBin.Length != n || staticBin.Length != n) throw new ArgumentException($"bin maps have {dynamicBin.Length} and {staticBin.Length} pixels, detector has {n}");
        if (qCentersInvA.Length != spec.QBins || chiCentersDeg.Length != spec.PhiBins)
            throw new ArgumentException($"{qCentersInvA.Length} q and {chiCentersDeg.Length} chi centres for {spec.QBins} x {spec.PhiBins} bins");
        for (int p = 0; p < n; p++)
        {
            int b = dynamicBin[p], s = staticBin[p];
            if (b < 0 != s < 0 || b >= spec.DynamicBinCount || (b >= 0 && s / spec.StaticPerDynamic != b))
                throw new ArgumentException($"pixel {p}: dynamic bin {b} and static bin {s} do not nest");
        }
        return new QMap(geometry, spec, flowAxisDeg, dynamicBin, staticBin, qCentersInvA, chiCentersDeg);
    }

    public DetectorGeometry Geometry { get; }
    public QMapSpec Spec { get; }
    public double FlowAxisDeg { get; }
    public int PixelCount => DynamicBinOfPixel.Length;
    public int DynamicBinCount => Spec.DynamicBinCount;
    public int StaticBinCount => Spec.StaticBinCount;
    public int BinnedPixelCount { get; }

    /// <summary>Dynamic bin of each pixel (row-major), −1 for none.</summary>
    public int[] DynamicBinOfPixel { get; }
    /// <summary>Static bin of each pixel (row-major), −1 for none.</summary>
    public int[] StaticBinOfPixel { get; }
    public int[] DynamicPixelCounts { get; }
    public int[] StaticPixelCounts { get; }
    /// <summary>q-bin centres (Å⁻¹), length q_bins.</summary>
    public double[] QCentersInvA { get; }
    /// <summary>χ-bin centres (degrees), length phi_bins.</summary>
    public double[] ChiCentersDeg { get; }

    public double QOfBin(int dynamicBin) => QCentersInvA[dynamicBin / Spec.PhiBins];
    public double ChiOfBin(int dynamicBin) => ChiCentersDeg[dynamicBin % Spec.PhiBins];

    /// <summary>χ = φ − flow axis wrapped to [−180, 180).</summary>
    public static double WrapChiDeg(double chiDeg)
    {
        double w = chiDeg - 360.0 * Math.Floor((chiDeg + 180.0) / 360.0);
        return w >= 180.0 ? w - 360.0 : w;
    }

    /// <param name="mask">Empty for "all pixels", else rows·cols values where non-zero means "use the pixel".</param>
    public static QMap Build(DetectorGeometry geometry, QMapSpec spec, double flowAxisDeg = 0.0, ReadOnlySpan<byte> mask = default)
    {
        geometry.Validate();
        spec.Validate();
        int n = geometry.PixelCount;
        if (!mask.IsEmpty && mask.Length != n)
            throw new ArgumentException($"mask has {mask.Length} pixels, detector has {n}");
        var dyn = new int[n];
        var stat = new int[n];
        double dq = (spec.QMaxInvA - spec.QMinInvA) / spec.QBins;
        double dqStatic = dq / spec.StaticPerDynamic;
        double dchi = 360.0 / spec.PhiBins;
        for (int row = 0; row < geometry.Rows; row++)
        {
            for (int col = 0; col < geometry.Cols; col++)
            {
                int p = row * geometry.Cols + col;
                dyn[p] = -1;
                stat[p] = -1;
                if (!mask.IsEmpty && mask[p] == 0) continue;
                double q = geometry.QInvA(row, col);
                if (!(q >= spec.QMinInvA && q < spec.QMaxInvA)) continue;
                int iq = Math.Min((int)Math.Floor((q - spec.QMinInvA) / dq), spec.QBins - 1);
                double chi = WrapChiDeg(geometry.PhiDeg(row, col) - flowAxisDeg);
                int ichi = Math.Clamp((int)Math.Floor((chi + 180.0) / dchi), 0, spec.PhiBins - 1);
                int b = iq * spec.PhiBins + ichi;
                double qLow = spec.QMinInvA + iq * dq;
                int sub = Math.Clamp((int)Math.Floor((q - qLow) / dqStatic), 0, spec.StaticPerDynamic - 1);
                dyn[p] = b;
                stat[p] = b * spec.StaticPerDynamic + sub;
            }
        }
        return new QMap(geometry, spec, flowAxisDeg, dyn, stat);
    }
}
