namespace CloudXpcs.Science.Absorption;

/// <summary>
/// Converts XAM raster scans into salt concentration profiles with one-σ errors (Beer–Lambert, calibrated with the
/// t = 0 reference scan of uniform concentration c̄). Each point is normalised by its own i0, so incident-flux drift
/// cancels; counting errors σ_A² = 1/i0 + 1/it are propagated, plus the calibration errors (sensitivity, c̄).
/// </summary>
public static class BeerLambertConverter
{
    public static XamConversionResult Convert(XamScan reference, IReadOnlyList<XamScan> scans, XamConversionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(scans);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        var rejected = new List<RejectedXamPoint>();
        var referencePositions = PositionAbsorbanceAverager.Average(reference, settings.PositionToleranceMm, rejected);
        var referenceAbsorbance = ReferenceAbsorbance.Create(referencePositions, settings.FlatField, settings.PositionToleranceMm);

        var profiles = new List<ConcentrationPoint>();
        var summaries = new List<XamScanSummary>();
        foreach (var scan in scans.Where(s => !ReferenceEquals(s, reference)).OrderBy(s => s.MeanTimeMin))
        {
            int rejectedBefore = rejected.Count;
            var positions = PositionAbsorbanceAverager.Average(scan, settings.PositionToleranceMm, rejected);
            int repeated = scan.Points.Count - (rejected.Count - rejectedBefore) - positions.Count;
            var paired = new List<(PositionAbsorbance Sample, Absorbance Reference)>();
            foreach (var position in positions)
            {
                var atReference = referenceAbsorbance.At(position.PositionMm, out string? reason);
                if (atReference is null)
                {
                    // Every raster point of this position goes out for the same reason.
                    foreach (var point in scan.Points.Where(p => Math.Abs(p.PositionMm - position.PositionMm) <= settings.PositionToleranceMm))
                        rejected.Add(new RejectedXamPoint(scan.Name, point, reason!));
                    continue;
                }
                paired.Add((position, atReference.Value));
            }

            var scanProfile = settings.Calibration switch
            {
                XamCalibration.ByOpticalConstants optical => ConvertWithSensitivity(paired, optical.Constants, settings),
                XamCalibration.BySaltConservation conservation => ConvertBySaltConservation(scan.Name, paired, conservation, settings),
                _ => throw new ArgumentException("unknown XAM calibration"),
            };
            profiles.AddRange(scanProfile);
            summaries.Add(new XamScanSummary(
                scan.Name,
                scan.MeanTimeMin,
                scanProfile.Count,
                rejected.Count - rejectedBefore,
                scanProfile.Count == 0 ? double.NaN : scanProfile.Average(p => p.ConcentrationM),
                repeated));
        }
        return new XamConversionResult(profiles, rejected, summaries);
    }

    private static List<ConcentrationPoint> ConvertWithSensitivity(
        List<(PositionAbsorbance Sample, Absorbance Reference)> paired, OpticalConstants constants, XamConversionSettings settings)
    {
        double sensitivity = constants.SensitivityPerM;
        double relErr = constants.SensitivityRelErr;
        double c0 = settings.InitialConcentrationM, c0Err = settings.InitialConcentrationErrM;
        var result = new List<ConcentrationPoint>(paired.Count);
        foreach (var (sample, reference) in paired)
        {
            double deltaC = (sample.Absorbance.Value - reference.Value) / sensitivity;
            double statVar = (sample.Absorbance.Variance + reference.Variance) / (sensitivity * sensitivity);
            double calibrationVar = deltaC * relErr * deltaC * relErr + c0Err * c0Err;
            result.Add(new ConcentrationPoint(sample.TimeMin, sample.PositionMm, c0 + deltaC,
                Math.Sqrt(statVar + calibrationVar), Math.Sqrt(statVar)));
        }
        return result;
    }

    private static List<ConcentrationPoint> ConvertBySaltConservation(
        string scanName, List<(PositionAbsorbance Sample, Absorbance Reference)> paired,
        XamCalibration.BySaltConservation conservation, XamConversionSettings settings)
    {
        if (paired.Count < 2)
            throw new ArgumentException($"scan {scanName}: calibration by salt conservation needs at least 2 usable positions (got {paired.Count})");
        double blank = conservation.BlankAbsorbance;
        int n = paired.Count;
        // R = salt absorbance (above the blank), relative to the reference's when flat-fielding.
        var ratio = new double[n];
        var ratioVar = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (sample, reference) = paired[i];
            double numerator = sample.Absorbance.Value - blank;
            if (settings.FlatField)
            {
                double denominator = reference.Value - blank;
                if (!(Math.Abs(denominator) > 0))
                    throw new ArgumentException($"scan {scanName}: reference absorbance equals the blank at {sample.PositionMm} mm");
                ratio[i] = numerator / denominator;
                ratioVar[i] = sample.Absorbance.Variance / (denominator * denominator)
                              + numerator * numerator * reference.Variance / Math.Pow(denominator, 4);
            }
            else
            {
                ratio[i] = numerator;
                ratioVar[i] = sample.Absorbance.Variance;
            }
        }
        double k = ratio.Average();
        if (!(Math.Abs(k) > 0))
            throw new ArgumentException($"scan {scanName}: mean salt absorbance is zero; salt conservation cannot fix the scale");
        double sumVar = ratioVar.Sum();
        double c0 = settings.InitialConcentrationM, c0Err = settings.InitialConcentrationErrM;
        var result = new List<ConcentrationPoint>(n);
        for (int i = 0; i < n; i++)
        {
            // c_i = c̄·R_i/k with k = mean R: ∂c_i/∂R_j = c̄(δ_ij/k − R_i/(n·k²)).
            double relative = ratio[i] / k;
            double statVar = c0 * c0 * (ratioVar[i] / (k * k) * (1 - 2 * ratio[i] / (n * k))
                                        + ratio[i] * ratio[i] * sumVar / ((double)n * n * k * k * k * k));
            double calibrationVar = relative * relative * c0Err * c0Err;
            var sample = paired[i].Sample;
            result.Add(new ConcentrationPoint(sample.TimeMin, sample.PositionMm, c0 * relative,
                Math.Sqrt(Math.Max(statVar, 0) + calibrationVar), Math.Sqrt(Math.Max(statVar, 0))));
        }
        return result;
    }
}
