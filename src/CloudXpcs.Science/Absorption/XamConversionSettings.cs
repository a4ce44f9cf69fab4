namespace CloudXpcs.Science.Absorption;

/// <summary>
/// Settings of the XAM conversion. <paramref name="FlatField"/>: use the reference (t = 0) scan position by position, so
/// that detector, window and thickness inhomogeneity cancels (points outside the reference scan's positions are rejected;
/// between reference positions the reference is interpolated linearly); otherwise the reference scan's mean absorbance is
/// used. Raster points closer than <paramref name="PositionToleranceMm"/> count as one position and are averaged.
/// </summary>
public sealed record XamConversionSettings(
    double InitialConcentrationM,
    XamCalibration Calibration,
    double InitialConcentrationErrM = 0,
    bool FlatField = true,
    double PositionToleranceMm = 1e-6)
{
    /// <summary>No salt solution is more concentrated (pure LiTFSI is 7.4 M); beyond it profiles would be absurd, or infinite.</summary>
    public const double MaxConcentrationM = 20;

    public void Validate()
    {
        if (!(InitialConcentrationM > 0) || !(InitialConcentrationM <= MaxConcentrationM))
            throw new ArgumentException($"initial concentration must be finite and positive, at most {MaxConcentrationM} M (got {InitialConcentrationM} M)");
        if (!(InitialConcentrationErrM >= 0) || !double.IsFinite(InitialConcentrationErrM))
            throw new ArgumentException($"initial concentration error must be finite and >= 0 (got {InitialConcentrationErrM} M)");
        if (!(PositionToleranceMm >= 0) || !double.IsFinite(PositionToleranceMm))
            throw new ArgumentException($"position tolerance must be finite and >= 0 (got {PositionToleranceMm} mm)");
        switch (Calibration)
        {
            case XamCalibration.ByOpticalConstants optical:
                optical.Constants.Validate();
                break;
            case XamCalibration.BySaltConservation conservation when !double.IsFinite(conservation.BlankAbsorbance):
                throw new ArgumentException("blank absorbance must be finite");
            case null:
                throw new ArgumentException("XAM calibration missing");
        }
    }
}
