namespace CloudXpcs.Science.Electrolyte;

/// <summary>Result of fitting Eq. 4 to densities: volumes, their standard errors and the fit quality.</summary>
public sealed record PartialMolarVolumeFitResult(
    PartialMolarVolumes Volumes,
    double EoErrA3,
    double SaltErrA3,
    double CorrelationEoSalt,
    double ReducedChiSquare,
    int PointCount,
    bool ErrorsFromResiduals);

/// <summary>
/// Fits the study's Eq. 4, ρ(r) = (M_EO + r·M_LiTFSI) / (N_A·(V_EO + r·V_LiTFSI)), to measured densities by weighted
/// nonlinear least squares in ρ (Gauss–Newton), started from the exact linear form
/// (M_EO + r·M_LiTFSI)/ρ = N_A·V_EO + r·N_A·V_LiTFSI. When the points carry no density errors, all points get equal
/// weight and the standard errors are scaled by the residual scatter (reduced χ²); otherwise the errors are absolute.
/// </summary>
public static class PartialMolarVolumeFit
{
    public static PartialMolarVolumeFitResult Fit(IReadOnlyList<DensityPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3)
            throw new ArgumentException($"fitting two volumes needs at least 3 density points (got {points.Count})");
        bool allHaveErrors = points.All(p => p.DensityErrGPerCm3 is not null);
        bool someHaveErrors = points.Any(p => p.DensityErrGPerCm3 is not null);
        if (someHaveErrors && !allHaveErrors)
            throw new ArgumentException("either all density points carry an error or none does");
        foreach (var p in points)
        {
            if (!double.IsFinite(p.R) || p.R < 0 || !double.IsFinite(p.DensityGPerCm3) || !(p.DensityGPerCm3 > 0))
                throw new ArgumentException($"density point needs finite r >= 0 and ρ > 0 (got r = {p.R}, ρ = {p.DensityGPerCm3})");
            if (p.DensityErrGPerCm3 is { } e && (!double.IsFinite(e) || !(e > 0)))
                throw new ArgumentException($"density error must be finite and positive (got {e} at r = {p.R})");
        }

        double[] weights = points.Select(p => p.DensityErrGPerCm3 is { } e ? 1.0 / (e * e) : 1.0).ToArray();
        var (eo, salt) = LinearStart(points, weights);

        // Gauss–Newton on ρ_i − f(r_i; a, b), a = V_EO, b = V_salt in cm³/mol.
        double a11 = 0, a12 = 0, a22 = 0, chi2 = 0;
        for (int iteration = 0; iteration < 100; iteration++)
        {
            a11 = a12 = a22 = 0;
            double g1 = 0, g2 = 0;
            chi2 = 0;
            for (int i = 0; i < points.Count; i++)
            {
                var (r, rho) = (points[i].R, points[i].DensityGPerCm3);
                double volume = eo + r * salt;
                double model = MassPerEo(r) / volume;
                double dA = -model / volume, dB = -model * r / volume;
                double residual = rho - model;
                double w = weights[i];
                a11 += w * dA * dA; a12 += w * dA * dB; a22 += w * dB * dB;
                g1 += w * dA * residual; g2 += w * dB * residual;
                chi2 += w * residual * residual;
            }
            double det = a11 * a22 - a12 * a12;
            if (!(det > 0)) throw new ArgumentException("density points do not constrain both volumes (need at least two distinct r)");
            double stepEo = (a22 * g1 - a12 * g2) / det;
            double stepSalt = (a11 * g2 - a12 * g1) / det;
            eo += stepEo;
            salt += stepSalt;
            if (Math.Abs(stepEo) <= 1e-12 * Math.Abs(eo) && Math.Abs(stepSalt) <= 1e-12 * Math.Abs(salt)) break;
        }

        // Covariance (JᵀWJ)⁻¹ at the optimum (recomputed terms differ from the last iteration by < 1e-12 relative).
        double detFinal = a11 * a22 - a12 * a12;
        double varEo = a22 / detFinal, varSalt = a11 / detFinal, cov = -a12 / detFinal;
        int dof = points.Count - 2;
        double reducedChi2 = chi2 / dof;
        double scale = allHaveErrors ? 1.0 : reducedChi2;
        double k = ElectrolyteConstants.Cm3PerMolPerA3;
        var volumes = PartialMolarVolumes.FromCm3PerMol(eo, salt);
        return new PartialMolarVolumeFitResult(
            volumes,
            Math.Sqrt(varEo * scale) / k,
            Math.Sqrt(varSalt * scale) / k,
            cov / Math.Sqrt(varEo * varSalt),
            reducedChi2,
            points.Count,
            ErrorsFromResiduals: !allHaveErrors);
    }

    private static double MassPerEo(double r) =>
        ElectrolyteConstants.MolarMassEoGPerMol + r * ElectrolyteConstants.MolarMassLiTfsiGPerMol;

    /// <summary>Weighted straight line y = V_EO + r·V_salt with y = (M_EO + r·M_salt)/ρ in cm³/mol, σ_y = y·σ_ρ/ρ.</summary>
    private static (double Eo, double Salt) LinearStart(IReadOnlyList<DensityPoint> points, double[] rhoWeights)
    {
        double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < points.Count; i++)
        {
            var (r, rho) = (points[i].R, points[i].DensityGPerCm3);
            double y = MassPerEo(r) / rho;
            double w = rhoWeights[i] * rho * rho / (y * y);
            s += w; sx += w * r; sy += w * y; sxx += w * r * r; sxy += w * r * y;
        }
        double det = s * sxx - sx * sx;
        if (!(det > 0)) throw new ArgumentException("density points do not constrain both volumes (need at least two distinct r)");
        return ((sxx * sy - sx * sxy) / det, (s * sxy - sx * sy) / det);
    }
}
