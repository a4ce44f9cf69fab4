namespace CloudXpcs.Science.Geometry;

/// <summary>Area detector and beam, as in series.json "detector" (DATA_CONTRACT section 1.1).</summary>
public sealed record DetectorGeometry(
    int Rows,
    int Cols,
    double PixelSizeM,
    double DistanceM,
    double BeamCenterRow,
    double BeamCenterCol,
    double EnergyKeV)
{
    /// <summary>hc in keV·Å, the constant of DATA_CONTRACT section 2.</summary>
    public const double HcKeVA = 12.398419843;

    public double WavelengthA => HcKeVA / EnergyKeV;

    public int PixelCount => Rows * Cols;

    /// <summary>q (Å⁻¹) of a pixel, exactly as DATA_CONTRACT section 2.</summary>
    public double QInvA(int row, int col)
    {
        double dr = (row - BeamCenterRow) * PixelSizeM;
        double dc = (col - BeamCenterCol) * PixelSizeM;
        double twoTheta = Math.Atan(Math.Sqrt(dr * dr + dc * dc) / DistanceM);
        return 4.0 * Math.PI / WavelengthA * Math.Sin(twoTheta / 2.0);
    }

    /// <summary>Azimuth φ (degrees) of a pixel: atan2(row − row0, col − col0).</summary>
    public double PhiDeg(int row, int col) =>
        Math.Atan2(row - BeamCenterRow, col - BeamCenterCol) * (180.0 / Math.PI);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first unphysical field.</summary>
    public void Validate()
    {
        if (Rows <= 0 || Cols <= 0) throw new ArgumentException($"detector rows and cols must be positive (got {Rows} x {Cols})");
        if (!(PixelSizeM > 0) || !double.IsFinite(PixelSizeM)) throw new ArgumentException($"detector pixel_size_m must be positive (got {PixelSizeM})");
        if (!(DistanceM > 0) || !double.IsFinite(DistanceM)) throw new ArgumentException($"detector distance_m must be positive (got {DistanceM})");
        if (!(EnergyKeV > 0) || !double.IsFinite(EnergyKeV)) throw new ArgumentException($"detector energy_keV must be positive (got {EnergyKeV})");
        if (!double.IsFinite(BeamCenterRow) || !double.IsFinite(BeamCenterCol)) throw new ArgumentException("detector beam centre must be finite");
    }
}
