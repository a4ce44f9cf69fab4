namespace CloudXpcs.Science.Geometry;

/// <summary>
/// 1σ uncertainties of the q calibration (series.json "calibration_uncertainty", DATA_CONTRACT extensions): sample–detector
/// distance, X-ray energy, pixel size (the effective pitch in the detector plane) and beam centre (each of row and
/// column, independently). Absent fields take <see cref="DefaultFor"/>.
/// </summary>
public sealed record CalibrationUncertainty(double DistanceErrM, double EnergyErrKeV, double PixelSizeErrM, double BeamCenterErrPx)
{
    /// <summary>Distance measured along a multi-metre flight path without a calibrant (tape or laser, ~cm at several m).</summary>
    public const double DefaultDistanceRelErr = 5e-3;
    /// <summary>Monochromator energy without an absorption-edge scan (~10 eV at 10.9 keV).</summary>
    public const double DefaultEnergyRelErr = 1e-3;
    /// <summary>Effective pixel pitch: a detector plane tilted by ~2.5° from the normal shortens it by 0.1 %.</summary>
    public const double DefaultPixelSizeRelErr = 1e-3;
    /// <summary>Direct-beam position from an attenuated-beam image or a ring centre, and its drift during a beamtime.</summary>
    public const double DefaultBeamCenterErrPx = 0.5;

    public static CalibrationUncertainty DefaultFor(DetectorGeometry detector) => new(
        DefaultDistanceRelErr * detector.DistanceM, DefaultEnergyRelErr * detector.EnergyKeV,
        DefaultPixelSizeRelErr * detector.PixelSizeM, DefaultBeamCenterErrPx);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is negative, not finite or not below its value.</summary>
    public void Validate(DetectorGeometry detector)
    {
        static void Check(double err, double value, string name)
        {
            if (!(err >= 0) || !double.IsFinite(err)) throw new ArgumentException($"field 'calibration_uncertainty.{name}' must be non-negative and finite (got {err:R})");
            if (err >= value) throw new ArgumentException($"field 'calibration_uncertainty.{name}' ({err:R}) must be below the value it qualifies ({value:R})");
        }
        Check(DistanceErrM, detector.DistanceM, "distance_err_m");
        Check(EnergyErrKeV, detector.EnergyKeV, "energy_err_keV");
        Check(PixelSizeErrM, detector.PixelSizeM, "pixel_size_err_m");
        Check(BeamCenterErrPx, Math.Max(detector.Rows, detector.Cols), "beam_center_err_px");
    }
}
