namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// The transport sets for PEO(5 kg/mol)-LiTFSI that the Steinrück 2020 cell is compared with. Numbers are embedded
/// here with their sources because the product never reads the shared data folder at run time.
/// </summary>
public static class BuiltInTransportSets
{
    public const string PnbName = "PNB";
    public const string RsName = "RS";
    public const string Edman2000Name = "Edman2000";

    public static IReadOnlyList<string> Names { get; } = [PnbName, RsName, Edman2000Name];

    /// <summary>Partial molar volumes from the study's Eq. 4 fit: V_LiTFSI = 224 Å³, V_EO = 66.4 Å³.</summary>
    public const double StudySaltPartialMolarVolumeCm3PerMol = 134.9;
    public const double StudySolventPartialMolarVolumeCm3PerMol = 40.0;

    /// <summary>
    /// R_int implied by the measured i(0) = 0.905 mA/cm² at 0.3 V over 3 mm with κ(0.10) = 9.25e-4 S/cm
    /// (κ_eff = 9.05e-4 S/cm).
    /// </summary>
    public const double PeskoInterfacialResistanceOhmCm2 = 7.0;

    private static readonly double[] PeskoConcentrationM = [0.8584, 1.1896, 1.5823, 1.8564, 2.10376, 2.3733, 2.5724, 2.7570];
    private static readonly double[] PeskoConductivitySPerCm = [12.5e-4, 13.8e-4, 15.1e-4, 9.25e-4, 7.89e-4, 7.15e-4, 9.23e-4, 11.2e-4];
    private static readonly double[] PeskoDiffusivityCm2PerS = [1.0038e-7, 1.3062e-7, 1.1053e-7, 8.4410e-8, 7.0545e-8, 5.8875e-8, 9.4628e-8, 9.0685e-8];
    private static readonly double[] PeskoTransference = [0.4058, 0.3376, 0.4330, 0.2025, 0.0837, -0.0740, -0.3760, 0.1052];

    private const string PeskoCitation =
        "Pesko et al., J. Electrochem. Soc. 164, E3569 (2017), doi:10.1149/2.0581711jes, PEO(5 kg/mol)-LiTFSI, 90 °C, r = 0.04-0.18; "
        + "t+0 and D as digitised in BattModels/DiffEC plot.py ('Experiment'); kappa series A from learningmatter-mit/Chem-prop-pred "
        + "clean_train_data.csv (Pesko r grid); partial molar volumes from Steinrück et al., EES 2020, Eq. 4";

    /// <summary>
    /// The thermodynamic factor of PNB and RS: a named assumption, not a literature value (docs/THERMODYNAMIC_FACTOR.md).
    /// Pesko's t₊⁰ (Balsara–Newman) was measured together with dU/dln m, i.e. with its own T_f(c); that table, Villaluenga
    /// 2018's and Gao & Balsara 2021's T_f(c) were not reachable in public material. T_f = 1 contradicts the study's own
    /// cell: with PNB κ, D, t₊⁰ at r = 0.1 it implies ρ₊ = 0.29, yet the measured current has already fallen to 0.14 of
    /// i(0) at 19.4 h. A constant T_f = 3.5 (ρ₊ = 0.11) predicts the study's current within 5 % over 10–1000 min with
    /// both sets; the current check is fitted by it, the velocity ratio and profile shape are not.
    /// </summary>
    public const double AssumedThermodynamicFactor = 3.5;

    private const string AssumedThermoFactorCaveat =
        "T_f = 3.5 (constant) is a named assumption fitted to the study's measured current (CloudXpcs T_f scan, docs/THERMODYNAMIC_FACTOR.md), "
        + "not a literature value: Pesko 2017 / Villaluenga 2018 dU/dln m and Gao & Balsara 2021 T_f(c) were not available; "
        + "T_f = 1 would imply rho+ = 0.29 at r = 0.1, above the cell's measured i(19.4 h)/i(0) = 0.14; sensitivity: current within 10 % only for T_f ~ 3.2-3.9";

    public static TransportSet Get(string name) => name switch
    {
        PnbName => Pnb(),
        RsName => Rs(),
        Edman2000Name => Edman2000(),
        _ => throw new ArgumentException($"unknown transport set '{name}' (built-in sets: {string.Join(", ", Names)})"),
    };

    public static bool IsBuiltIn(string name) => Names.Contains(name);

    /// <summary>Pesko 2017 (Balsara–Newman) t₊⁰, D and κ with its sharp t₊⁰ variation around r = 0.1.</summary>
    public static TransportSet Pnb() => TransportSet.FromTable(
        PnbName, PeskoCitation,
        [
            "t+0 and D are digitised values, kappa is 'series A' (most likely Pesko's); verify against the original table before quoting",
            AssumedThermoFactorCaveat,
            "R_int = 7 ohm cm2 is inferred from the measured initial current, not measured",
        ],
        90, new TransportTable(PeskoConcentrationM, PeskoConductivitySPerCm, PeskoDiffusivityCm2PerS, PeskoTransference,
                               AssumedThermodynamicFactors(PeskoConcentrationM.Length)),
        StudySaltPartialMolarVolumeCm3PerMol, StudySolventPartialMolarVolumeCm3PerMol, PeskoInterfacialResistanceOhmCm2);

    /// <summary>
    /// Rosenwinkel & Schönhoff 2019 (eNMR): only "t₊ ≈ 0.2, fairly concentration-independent" is public; κ and D as PNB.
    /// </summary>
    public static TransportSet Rs() => TransportSet.FromTable(
        RsName,
        "Rosenwinkel & Schönhoff, J. Electrochem. Soc. 166, A1977 (2019) (eNMR t+ ~ 0.2, weakly c-dependent, as quoted by "
        + "Steinrück et al., EES 2020); kappa and D from Pesko et al., JES 164, E3569 (2017)",
        [
            "the RS numeric table is not public: t+0 = 0.2 constant is an approximation of 'fairly concentration-independent'",
            "kappa and D are the PNB values (Pesko 2017), a named assumption: which kappa, D and T_f the study used with RS is unknown",
            AssumedThermoFactorCaveat,
        ],
        90, new TransportTable(PeskoConcentrationM, PeskoConductivitySPerCm, PeskoDiffusivityCm2PerS,
                               PeskoConcentrationM.Select(_ => 0.2).ToArray(), AssumedThermodynamicFactors(PeskoConcentrationM.Length)),
        StudySaltPartialMolarVolumeCm3PerMol, StudySolventPartialMolarVolumeCm3PerMol, PeskoInterfacialResistanceOhmCm2);

    /// <summary>DUALFOIL 5.1 nprop = 12: LiTFSI in PEO at 85 °C (L. Edman, LBL, July 2000); smooth and complete.</summary>
    public static TransportSet Edman2000()
    {
        // Edman et al. measured c = 742-2982 mol/m³; the polynomials are clamped outside that range.
        const double min = 742, max = 2982;
        return new TransportSet(
            Edman2000Name,
            "DUALFOIL 5.1 (Doyle & Newman), subroutine prop, nprop = 12: 'LiTFSI in PEO at 85 C, data from Ludvig Edman, LBL, July 2000'",
            [
                "measured at 85 °C, used unchanged at the cell temperature",
                "kappa polynomial read as S/cm (DUALFOIL's comment says S/m, which gives unphysical values)",
                "bulk resistance alone exceeds the measured initial resistance of the study's cell, so R_int = 0",
                "T_f = 1 as DUALFOIL's nprop = 12 states it (ideal solution), not a measurement",
            ],
            358.15,
            new PolynomialCurve([4.25e-5 * TransportSet.SPerMPerSPerCm, 1.2e-6 * TransportSet.SPerMPerSPerCm,
                                 -5.73e-10 * TransportSet.SPerMPerSPerCm, 6.53e-14 * TransportSet.SPerMPerSPerCm], min, max),
            new PolynomialCurve([5.5e-12, 4.92e-16, -6.73e-19], min, max),
            new PolynomialCurve([-0.0834, 3.77e-4, -5.05e-8], min, max),
            new MonotoneCubicCurve([min], [1.0]),
            StudySaltPartialMolarVolumeCm3PerMol * TransportSet.M3PerCm3,
            StudySolventPartialMolarVolumeCm3PerMol * TransportSet.M3PerCm3,
            0.0);
    }

    private static double[] AssumedThermodynamicFactors(int n) => Enumerable.Repeat(AssumedThermodynamicFactor, n).ToArray();
}
