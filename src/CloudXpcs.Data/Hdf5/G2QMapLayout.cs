using System.Security.Cryptography;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// A CloudXpcs q-map in the index convention of the APS 8-ID-I layout. The viewer pairs one q value per dynamic grid
/// cell with one g2 column per populated bin, so every declared dynamic cell must be populated: the dynamic grid is
/// declared as the populated q/χ bins themselves ([n_dq, 1], column k = k-th populated bin in CloudXpcs bin order),
/// with CloudXpcs's q × χ bin of each column kept in /xpcs/cloudxpcs/column_bin. The static grid is the real one,
/// (q_bins·static_per_dynamic) × phi_bins, compressed to its populated cells as the layout allows.
/// </summary>
public sealed class G2QMapLayout
{
    private G2QMapLayout(QMap qmap)
    {
        QMap = qmap;
        var spec = qmap.Spec;
        ColumnBins = Enumerable.Range(0, qmap.DynamicBinCount).Where(b => qmap.DynamicPixelCounts[b] > 0).ToArray();
        if (ColumnBins.Length == 0) throw new ArgumentException("the q-map has no populated bin", nameof(qmap));
        var columnOfBin = new int[qmap.DynamicBinCount];
        Array.Fill(columnOfBin, -1);
        for (int k = 0; k < ColumnBins.Length; k++) columnOfBin[ColumnBins[k]] = k;

        StaticQBins = spec.QBins * spec.StaticPerDynamic;
        // Static grid cell of CloudXpcs static bin s = b·spd + sub (b = iq·P + iχ): (iq·spd + sub)·P + iχ.
        var gridOfStatic = new int[qmap.StaticBinCount];
        for (int s = 0; s < gridOfStatic.Length; s++)
        {
            int b = s / spec.StaticPerDynamic, sub = s % spec.StaticPerDynamic;
            gridOfStatic[s] = ((b / spec.PhiBins) * spec.StaticPerDynamic + sub) * spec.PhiBins + b % spec.PhiBins;
        }
        StaticIndexMapping = Enumerable.Range(0, qmap.StaticBinCount).Where(s => qmap.StaticPixelCounts[s] > 0)
            .Select(s => gridOfStatic[s]).Order().ToArray();
        var compressedOfGrid = new Dictionary<int, int>(StaticIndexMapping.Length);
        for (int k = 0; k < StaticIndexMapping.Length; k++) compressedOfGrid[StaticIndexMapping[k]] = k;

        int n = qmap.PixelCount;
        DynamicRoi = new int[n];
        StaticRoi = new int[n];
        for (int p = 0; p < n; p++)
        {
            int b = qmap.DynamicBinOfPixel[p];
            if (b < 0) continue;
            DynamicRoi[p] = columnOfBin[b] + 1;
            StaticRoi[p] = compressedOfGrid[gridOfStatic[qmap.StaticBinOfPixel[p]]] + 1;
        }
        double dqStatic = (spec.QMaxInvA - spec.QMinInvA) / StaticQBins;
        StaticQCentersInvA = Enumerable.Range(0, StaticQBins).Select(i => spec.QMinInvA + (i + 0.5) * dqStatic).ToArray();
        Hash = ComputeHash();
    }

    public QMap QMap { get; }
    /// <summary>CloudXpcs dynamic bin (iq·phi_bins + iχ) of each g2 column, increasing.</summary>
    public int[] ColumnBins { get; }
    public int ColumnCount => ColumnBins.Length;
    /// <summary>Per pixel: 0 = in no bin, k = g2 column k−1.</summary>
    public int[] DynamicRoi { get; }
    /// <summary>Per pixel: 0 = in no bin, k = scattering_1d column k−1.</summary>
    public int[] StaticRoi { get; }
    /// <summary>Static grid cell (iq_static·phi_bins + iχ) of each populated static bin, increasing.</summary>
    public int[] StaticIndexMapping { get; }
    public int StaticQBins { get; }
    public double[] StaticQCentersInvA { get; }
    /// <summary>SHA-256 (hex) of everything that defines the q-map: two different q-maps never share it.</summary>
    public string Hash { get; }

    public double[] ColumnQInvA => ColumnBins.Select(QMap.QOfBin).ToArray();
    public double[] ColumnChiDeg => ColumnBins.Select(QMap.ChiOfBin).ToArray();
    public int[] ColumnPixels => ColumnBins.Select(b => QMap.DynamicPixelCounts[b]).ToArray();

    public static G2QMapLayout Of(QMap qmap) => new(qmap);

    /// <summary>Mean of <paramref name="perPixel"/> over the pixels of each populated static bin, in compressed order.</summary>
    public double[] StaticMeans(ReadOnlySpan<double> perPixel)
    {
        var sum = new double[StaticIndexMapping.Length];
        var count = new int[StaticIndexMapping.Length];
        for (int p = 0; p < StaticRoi.Length; p++)
        {
            int k = StaticRoi[p] - 1;
            if (k < 0) continue;
            sum[k] += perPixel[p];
            count[k]++;
        }
        for (int k = 0; k < sum.Length; k++) sum[k] /= count[k];
        return sum;
    }

    private string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var g = QMap.Geometry;
        var spec = QMap.Spec;
        Span<double> numbers = [g.Rows, g.Cols, g.PixelSizeM, g.DistanceM, g.BeamCenterRow, g.BeamCenterCol, g.EnergyKeV,
            spec.QMinInvA, spec.QMaxInvA, spec.QBins, spec.PhiBins, spec.StaticPerDynamic, QMap.FlowAxisDeg];
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(numbers));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(DynamicRoi.AsSpan()));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(StaticRoi.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
