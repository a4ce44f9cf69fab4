namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// Partial molar volumes of the EO repeat unit and of LiTFSI under ideal mixing of volumes (the study's Eq. 4):
/// the volume per EO unit is V_EO + r·V_LiTFSI, so ρ(r) = (M_EO + r·M_LiTFSI) / (N_A·(V_EO + r·V_LiTFSI)).
/// </summary>
public sealed record PartialMolarVolumes
{
    public PartialMolarVolumes(double eoA3, double saltA3)
    {
        if (!(eoA3 > 0) || !double.IsFinite(eoA3) || !(saltA3 > 0) || !double.IsFinite(saltA3))
            throw new ArgumentException($"partial molar volumes must be finite and positive (got V_EO = {eoA3} Å³, V_LiTFSI = {saltA3} Å³)");
        EoA3 = eoA3;
        SaltA3 = saltA3;
    }

    /// <summary>
    /// The study's values: V_EO = 66.4 Å³ (40.0 cm³/mol), V_LiTFSI = 224 Å³ (134.9 cm³/mol), Steinrück, Takacs et al.,
    /// Energy Environ. Sci. 13, 4312 (2020), Eq. 4 fitted to the Pesko et al. (JES 164, E3569 (2017)) densities at 90 °C.
    /// </summary>
    public static PartialMolarVolumes Study { get; } = new(66.4, 224.0);

    public static PartialMolarVolumes FromCm3PerMol(double eoCm3PerMol, double saltCm3PerMol) =>
        new(ElectrolyteConstants.Cm3PerMolToA3(eoCm3PerMol), ElectrolyteConstants.Cm3PerMolToA3(saltCm3PerMol));

    /// <summary>Volume of one EO unit, Å³.</summary>
    public double EoA3 { get; }

    /// <summary>Volume of one LiTFSI formula unit, Å³.</summary>
    public double SaltA3 { get; }

    public double EoCm3PerMol => ElectrolyteConstants.A3ToCm3PerMol(EoA3);

    public double SaltCm3PerMol => ElectrolyteConstants.A3ToCm3PerMol(SaltA3);

    /// <summary>Density of the salt-free polymer implied by V_EO: M_EO / V_EO.</summary>
    public double PureEoDensityGPerCm3 => ElectrolyteConstants.MolarMassEoGPerMol / EoCm3PerMol;

    /// <summary>Eq. 4: ρ(r) in g/cm³.</summary>
    public double DensityGPerCm3(double r)
    {
        RequireR(r);
        return (ElectrolyteConstants.MolarMassEoGPerMol + r * ElectrolyteConstants.MolarMassLiTfsiGPerMol)
               / (EoCm3PerMol + r * SaltCm3PerMol);
    }

    /// <summary>
    /// Salt concentration c(r) = 1000·ρ·r / (M_EO + r·M_LiTFSI) mol/L with ρ from Eq. 4, i.e. 1000·r / (V_EO + r·V_LiTFSI)
    /// with the volumes in cm³/mol (1.87 M at r = 0.1 with the study's volumes).
    /// </summary>
    public double ConcentrationM(double r)
    {
        RequireR(r);
        return 1000.0 * r / (EoCm3PerMol + r * SaltCm3PerMol);
    }

    /// <summary>Inverse of <see cref="ConcentrationM"/>: r = c·V_EO / (1000 − c·V_LiTFSI).</summary>
    public double RFromConcentration(double concentrationM)
    {
        double maxM = 1000.0 / SaltCm3PerMol;
        if (!double.IsFinite(concentrationM) || concentrationM < 0 || concentrationM >= maxM)
            throw new ArgumentOutOfRangeException(nameof(concentrationM), concentrationM,
                $"salt concentration must be in [0, {maxM:G4}) M (pure salt volume limit)");
        return concentrationM * EoCm3PerMol / (1000.0 - concentrationM * SaltCm3PerMol);
    }

    /// <summary>ε = V_EO·c_EO / (V_LiTFSI·c_LiTFSI) = V_EO / (r·V_LiTFSI) (the study's Eq. 3/4; 2.96 at r = 0.1).</summary>
    public double Epsilon(double r)
    {
        if (!(r > 0) || !double.IsFinite(r))
            throw new ArgumentOutOfRangeException(nameof(r), r, "ε needs r > 0");
        return EoA3 / (r * SaltA3);
    }

    /// <summary>
    /// Salt concentration from a measured density (the study's c = 1000ρr/(M_EO + r·M_LiTFSI)), for when ρ is known
    /// rather than taken from the ideal-mixing model.
    /// </summary>
    public static double ConcentrationFromDensityM(double r, double densityGPerCm3)
    {
        RequireR(r);
        if (!(densityGPerCm3 > 0) || !double.IsFinite(densityGPerCm3))
            throw new ArgumentOutOfRangeException(nameof(densityGPerCm3), densityGPerCm3, "density must be finite and positive");
        return 1000.0 * densityGPerCm3 * r / (ElectrolyteConstants.MolarMassEoGPerMol + r * ElectrolyteConstants.MolarMassLiTfsiGPerMol);
    }

    private static void RequireR(double r)
    {
        if (!(r >= 0) || !double.IsFinite(r))
            throw new ArgumentOutOfRangeException(nameof(r), r, "r = [Li]/[EO] must be finite and >= 0");
    }
}
