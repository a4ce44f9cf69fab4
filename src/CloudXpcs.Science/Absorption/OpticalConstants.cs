using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Absorption;

/// <summary>
/// What the Beer–Lambert conversion needs to turn an absorbance change into a salt concentration change. Adding Δc mol/L
/// of LiTFSI at constant volume displaces Δc·V_salt of polymer (ideal mixing), so
/// dμ/dc = (M_salt·(μ/ρ)_salt − V_salt·ρ_PEO·(μ/ρ)_PEO) / 1000 cm⁻¹ per mol/L, with ρ_PEO = M_EO/V_EO the salt-free
/// polymer density implied by the partial molar volumes; the absorbance sensitivity is thickness·dμ/dc per mol/L.
/// Errors are one σ; zero means exact.
/// </summary>
public sealed record OpticalConstants(
    double ThicknessCm,
    double MassAttenuationSaltCm2PerG,
    double MassAttenuationPeoCm2PerG,
    PartialMolarVolumes Volumes,
    double ThicknessErrCm = 0,
    double MassAttenuationSaltErrCm2PerG = 0,
    double MassAttenuationPeoErrCm2PerG = 0)
{
    /// <summary>dμ/dc in cm⁻¹ per mol/L.</summary>
    public double AttenuationPerMolarCmInv =>
        (ElectrolyteConstants.MolarMassLiTfsiGPerMol * MassAttenuationSaltCm2PerG
         - Volumes.SaltCm3PerMol * Volumes.PureEoDensityGPerCm3 * MassAttenuationPeoCm2PerG) / 1000.0;

    /// <summary>Absorbance change per mol/L of salt: thickness·dμ/dc.</summary>
    public double SensitivityPerM => ThicknessCm * AttenuationPerMolarCmInv;

    /// <summary>Relative one-σ error of <see cref="SensitivityPerM"/> from the errors of thickness and mass attenuation coefficients.</summary>
    public double SensitivityRelErr
    {
        get
        {
            double saltPart = ElectrolyteConstants.MolarMassLiTfsiGPerMol * MassAttenuationSaltErrCm2PerG / 1000.0;
            double peoPart = Volumes.SaltCm3PerMol * Volumes.PureEoDensityGPerCm3 * MassAttenuationPeoErrCm2PerG / 1000.0;
            double relAttenuation = Math.Sqrt(saltPart * saltPart + peoPart * peoPart) / Math.Abs(AttenuationPerMolarCmInv);
            double relThickness = ThicknessErrCm / ThicknessCm;
            return Math.Sqrt(relAttenuation * relAttenuation + relThickness * relThickness);
        }
    }

    public void Validate()
    {
        if (!(ThicknessCm > 0) || !double.IsFinite(ThicknessCm))
            throw new ArgumentException($"sample thickness must be finite and positive (got {ThicknessCm} cm)");
        if (!double.IsFinite(MassAttenuationSaltCm2PerG) || MassAttenuationSaltCm2PerG < 0
            || !double.IsFinite(MassAttenuationPeoCm2PerG) || MassAttenuationPeoCm2PerG < 0)
            throw new ArgumentException("mass attenuation coefficients must be finite and >= 0");
        foreach (double e in new[] { ThicknessErrCm, MassAttenuationSaltErrCm2PerG, MassAttenuationPeoErrCm2PerG })
            if (!double.IsFinite(e) || e < 0) throw new ArgumentException($"errors of optical constants must be finite and >= 0 (got {e})");
        if (!(Math.Abs(SensitivityPerM) > 0))
            throw new ArgumentException("the optical constants give zero absorbance change per mol/L of salt: salt and polymer attenuate alike");
    }
}
