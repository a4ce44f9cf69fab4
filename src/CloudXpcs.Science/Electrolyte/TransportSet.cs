namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// A complete set of concentrated-solution transport properties of a binary salt in a polymer solvent
/// (Newman: κ, salt diffusivity D, cation transference number t₊⁰ in the solvent-velocity frame, thermodynamic
/// factor T_f = 1 + dlnγ±/dlnm), the partial molar volumes that set the solvent velocity, and the interfacial
/// resistance of the Li electrodes. SI throughout: concentrations in mol/m³, κ in S/m, D in m²/s.
/// </summary>
public sealed class TransportSet
{
    public const double MolPerM3PerM = 1000.0;
    public const double SPerMPerSPerCm = 100.0;
    public const double M2PerSPerCm2PerS = 1e-4;
    public const double M3PerCm3 = 1e-6;
    public const double OhmM2PerOhmCm2 = 1e-4;

    public TransportSet(string name, string citation, IReadOnlyList<string> caveats, double temperatureK,
                        PropertyCurve conductivitySPerM, PropertyCurve diffusivityM2PerS,
                        PropertyCurve cationTransference, PropertyCurve thermodynamicFactor,
                        double saltPartialMolarVolumeM3PerMol, double solventPartialMolarVolumeM3PerMol,
                        double interfacialResistanceOhmM2)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("transport set needs a name");
        if (!(temperatureK > 0)) throw new ArgumentException($"transport set '{name}': temperature must be > 0 K, got {temperatureK}");
        if (!(saltPartialMolarVolumeM3PerMol >= 0) || !(solventPartialMolarVolumeM3PerMol > 0))
            throw new ArgumentException($"transport set '{name}': partial molar volumes must be V_salt >= 0 and V_solvent > 0");
        if (!(interfacialResistanceOhmM2 >= 0))
            throw new ArgumentException($"transport set '{name}': interfacial resistance must be >= 0, got {interfacialResistanceOhmM2}");
        Name = name;
        Citation = citation;
        Caveats = caveats.ToArray();
        TemperatureK = temperatureK;
        ConductivitySPerM = conductivitySPerM;
        DiffusivityM2PerS = diffusivityM2PerS;
        CationTransference = cationTransference;
        ThermodynamicFactor = thermodynamicFactor;
        SaltPartialMolarVolumeM3PerMol = saltPartialMolarVolumeM3PerMol;
        SolventPartialMolarVolumeM3PerMol = solventPartialMolarVolumeM3PerMol;
        InterfacialResistanceOhmM2 = interfacialResistanceOhmM2;
        Validate();
    }

    public string Name { get; }
    public string Citation { get; }
    public IReadOnlyList<string> Caveats { get; }
    /// <summary>Temperature the properties were measured at (information; the cell temperature is set per simulation).</summary>
    public double TemperatureK { get; }
    public PropertyCurve ConductivitySPerM { get; }
    public PropertyCurve DiffusivityM2PerS { get; }
    public PropertyCurve CationTransference { get; }
    public PropertyCurve ThermodynamicFactor { get; }
    public double SaltPartialMolarVolumeM3PerMol { get; }
    public double SolventPartialMolarVolumeM3PerMol { get; }
    public double InterfacialResistanceOhmM2 { get; }

    /// <summary>
    /// The thermodynamic factor this set uses, for every result to state (e.g. "T_f = 3.5 (constant)" or
    /// "T_f = 1.2-3.4 over 0.86-2.76 M"); where it comes from is in <see cref="Citation"/> and <see cref="Caveats"/>.
    /// </summary>
    public string ThermodynamicFactorStatement()
    {
        var curve = ThermodynamicFactor;
        double lo = curve.MinConcentrationMolPerM3, hi = double.IsFinite(curve.MaxConcentrationMolPerM3) ? curve.MaxConcentrationMolPerM3 : lo;
        var values = Enumerable.Range(0, 101).Select(k => curve.ValueAt(lo + (hi - lo) * k / 100)).ToArray();
        double min = values.Min(), max = values.Max();
        return max - min <= 1e-12 * Math.Max(1, Math.Abs(max))
            ? FormattableString.Invariant($"T_f = {min:G4} (constant)")
            : FormattableString.Invariant($"T_f = {min:G4}-{max:G4} over {lo / MolPerM3PerM:G4}-{hi / MolPerM3PerM:G4} M (held at the end values outside)");
    }

    /// <summary>Concentration range over which every property is defined (outside it they are clamped).</summary>
    public double MinConcentrationMolPerM3 => Curves.Max(p => p.MinConcentrationMolPerM3);
    public double MaxConcentrationMolPerM3 => Curves.Min(p => p.MaxConcentrationMolPerM3);

    private PropertyCurve[] Curves => [ConductivitySPerM, DiffusivityM2PerS, CationTransference, ThermodynamicFactor];

    /// <summary>Builds a set from a table in contract units (c in M, κ in S/cm, D in cm²/s, volumes in cm³/mol, R in Ω cm²).</summary>
    public static TransportSet FromTable(string name, string citation, IReadOnlyList<string> caveats, double temperatureC,
                                         TransportTable table, double saltPartialMolarVolumeCm3PerMol,
                                         double solventPartialMolarVolumeCm3PerMol, double interfacialResistanceOhmCm2)
    {
        ArgumentNullException.ThrowIfNull(table);
        RequireColumn(name, "c_M", table.ConcentrationM, null);
        int rows = table.ConcentrationM.Count;
        RequireColumn(name, "kappa_S_per_cm", table.ConductivitySPerCm, rows);
        RequireColumn(name, "D_cm2_per_s", table.DiffusivityCm2PerS, rows);
        RequireColumn(name, "tplus0", table.CationTransference, rows);
        RequireColumn(name, "thermo_factor", table.ThermodynamicFactor, rows);
        for (int k = 1; k < rows; k++)
            if (!(table.ConcentrationM[k] > table.ConcentrationM[k - 1]))
                throw new ArgumentException($"transport set '{name}': c_M must increase strictly, but row {k} ({table.ConcentrationM[k]} M) follows {table.ConcentrationM[k - 1]} M");
        if (!(table.ConcentrationM[0] >= 0))
            throw new ArgumentException($"transport set '{name}': c_M must be >= 0, got {table.ConcentrationM[0]}");
        var c = table.ConcentrationM.Select(v => v * MolPerM3PerM).ToArray();
        return new TransportSet(name, citation, caveats, temperatureC + 273.15,
            new MonotoneCubicCurve(c, table.ConductivitySPerCm.Select(v => v * SPerMPerSPerCm).ToArray()),
            new MonotoneCubicCurve(c, table.DiffusivityCm2PerS.Select(v => v * M2PerSPerCm2PerS).ToArray()),
            new MonotoneCubicCurve(c, table.CationTransference),
            new MonotoneCubicCurve(c, table.ThermodynamicFactor),
            saltPartialMolarVolumeCm3PerMol * M3PerCm3, solventPartialMolarVolumeCm3PerMol * M3PerCm3,
            interfacialResistanceOhmCm2 * OhmM2PerOhmCm2);
    }

    public TransportSet WithThermodynamicFactor(PropertyCurve thermodynamicFactor, string? caveat = null) =>
        new(Name, Citation, caveat is null ? Caveats : [.. Caveats, caveat], TemperatureK, ConductivitySPerM,
            DiffusivityM2PerS, CationTransference, thermodynamicFactor, SaltPartialMolarVolumeM3PerMol,
            SolventPartialMolarVolumeM3PerMol, InterfacialResistanceOhmM2);

    public TransportSet WithInterfacialResistance(double interfacialResistanceOhmM2) =>
        new(Name, Citation, Caveats, TemperatureK, ConductivitySPerM, DiffusivityM2PerS, CationTransference,
            ThermodynamicFactor, SaltPartialMolarVolumeM3PerMol, SolventPartialMolarVolumeM3PerMol, interfacialResistanceOhmM2);

    public TransportSet WithPartialMolarVolumes(double saltM3PerMol, double solventM3PerMol) =>
        new(Name, Citation, Caveats, TemperatureK, ConductivitySPerM, DiffusivityM2PerS, CationTransference,
            ThermodynamicFactor, saltM3PerMol, solventM3PerMol, InterfacialResistanceOhmM2);

    private static void RequireColumn(string name, string column, IReadOnlyList<double>? values, int? rows)
    {
        if (values is null || values.Count == 0)
            throw new ArgumentException($"transport set '{name}': column '{column}' is missing or empty");
        if (rows is int n && values.Count != n)
            throw new ArgumentException($"transport set '{name}': column '{column}' has {values.Count} values, c_M has {n}");
        for (int k = 0; k < values.Count; k++)
            if (!double.IsFinite(values[k]))
                throw new ArgumentException($"transport set '{name}': column '{column}' row {k} is not a finite number");
    }

    public const double MaxConductivitySPerM = 1e3;
    public const double MaxDiffusivityM2PerS = 1e-6;
    public const double MaxAbsTransference = 1e3;
    public const double MaxThermodynamicFactor = 1e3;

    // Checks every property over its whole range: table points and, for non-tabulated curves, a dense sample.
    private void Validate()
    {
        // Upper bounds far above any electrolyte (liquids: κ ~ 1 S/m, D ~ 1e-9 m²/s; gases diffuse at ~1e-5 m²/s), so
        // that a unit slip or a typo (1e300) is refused instead of being simulated.
        Check(ConductivitySPerM, "kappa", v => v > 0 && v <= MaxConductivitySPerM, $"must be > 0 and <= {MaxConductivitySPerM:G} S/m");
        Check(DiffusivityM2PerS, "D", v => v > 0 && v <= MaxDiffusivityM2PerS, $"must be > 0 and <= {MaxDiffusivityM2PerS:G} m2/s");
        Check(CationTransference, "tplus0", v => v < 1 && v >= -MaxAbsTransference, $"must be < 1 (the anion must carry some current) and >= {-MaxAbsTransference:G}");
        Check(ThermodynamicFactor, "thermo_factor", v => v > 0 && v <= MaxThermodynamicFactor, $"must be > 0 and <= {MaxThermodynamicFactor:G}");
    }

    private void Check(PropertyCurve curve, string property, Func<double, bool> ok, string requirement)
    {
        const int samples = 400;
        double lo = curve.MinConcentrationMolPerM3;
        double hi = double.IsFinite(curve.MaxConcentrationMolPerM3) ? curve.MaxConcentrationMolPerM3 : lo;
        for (int k = 0; k <= samples; k++)
        {
            double c = lo + (hi - lo) * k / samples;
            double v = curve.ValueAt(c);
            if (!double.IsFinite(v) || !ok(v))
                throw new ArgumentException($"transport set '{Name}': {property} {requirement}, but is {v:G4} at c = {c / MolPerM3PerM:G4} M");
        }
    }
}
