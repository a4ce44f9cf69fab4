namespace CloudXpcs.Science.Electrolyte;

/// <summary>Molar masses and unit conversions for PEO-LiTFSI (r = [Li]/[EO]).</summary>
public static class ElectrolyteConstants
{
    /// <summary>Molar mass of one ethylene-oxide repeat unit, C2H4O.</summary>
    public const double MolarMassEoGPerMol = 44.053;

    /// <summary>Molar mass of LiTFSI, LiN(SO2CF3)2.</summary>
    public const double MolarMassLiTfsiGPerMol = 287.08;

    public const double AvogadroPerMol = 6.02214076e23;

    /// <summary>1 Å³ per molecule expressed in cm³/mol (1e-24 cm³ · N_A).</summary>
    public const double Cm3PerMolPerA3 = 1e-24 * AvogadroPerMol;

    public static double A3ToCm3PerMol(double volumeA3) => volumeA3 * Cm3PerMolPerA3;

    public static double Cm3PerMolToA3(double volumeCm3PerMol) => volumeCm3PerMol / Cm3PerMolPerA3;
}
