using System.Globalization;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Inference;

public enum TransferenceModel
{
    /// <summary>t₊⁰(c) = t₀.</summary>
    Constant,
    /// <summary>t₊⁰(c) = t₀ + b·(c − c_ref).</summary>
    Linear,
}

/// <summary>Where a candidate comes from: the coarse grid, the refinement around the confidence region, or a named hypothesis.</summary>
public enum CandidateStage { Grid, Refine, Hypothesis }

/// <summary>
/// The profile a linear-model refinement row serves: rows at fixed t₊⁰(c_ref) sample the slope around its conditional
/// best value (the profile of the intercept), and the other way round. None: the grid, which serves both.
/// </summary>
public enum ProfileAxis { None, Intercept, Slope }

/// <summary>One transference-number model to simulate: t₊⁰(c) = <see cref="Tplus0AtRef"/> + <see cref="SlopePerM"/>·(c − c_ref).</summary>
public sealed record TransferenceCandidate(TransferenceModel Model, double Tplus0AtRef, double SlopePerM, CandidateStage Stage, string? Label = null)
{
    /// <summary>0 for the grid and hypotheses, 1, 2, ... for successive refinements.</summary>
    public int Round { get; init; }

    public ProfileAxis Axis { get; init; }

    /// <summary>A stable name, e.g. for the activity that evaluates the candidate.</summary>
    public string Id => Model == TransferenceModel.Constant
        ? FormattableString.Invariant($"{StageName}-constant-{Tplus0AtRef:0.######}")
        : FormattableString.Invariant($"{StageName}-linear-{Tplus0AtRef:0.######}_{SlopePerM:0.######}");

    private string StageName => Stage != CandidateStage.Refine ? Stage.ToString().ToLowerInvariant()
        : Axis == ProfileAxis.None ? FormattableString.Invariant($"refine{Round}")
        : FormattableString.Invariant($"refine{Round}{(Axis == ProfileAxis.Intercept ? "a" : "b")}");

    /// <summary>The base set with this t₊⁰(c); concentrations outside the base set's range are clamped like its other properties.</summary>
    public TransportSet Apply(TransportSet baseSet, double referenceConcentrationM)
    {
        ArgumentNullException.ThrowIfNull(baseSet);
        PropertyCurve tplus;
        if (Model == TransferenceModel.Constant || SlopePerM == 0)
            tplus = new MonotoneCubicCurve([TransportSet.MolPerM3PerM * referenceConcentrationM], [Tplus0AtRef]);
        else
        {
            double lo = baseSet.MinConcentrationMolPerM3, hi = baseSet.MaxConcentrationMolPerM3;
            if (!(hi > lo) || !double.IsFinite(hi)) { lo = 0; hi = 4 * TransportSet.MolPerM3PerM * referenceConcentrationM; }
            double perMolPerM3 = SlopePerM / TransportSet.MolPerM3PerM;
            tplus = new PolynomialCurve([Tplus0AtRef - perMolPerM3 * referenceConcentrationM * TransportSet.MolPerM3PerM, perMolPerM3], lo, hi);
        }
        return new TransportSet($"{baseSet.Name}[{Id}]", baseSet.Citation,
            [.. baseSet.Caveats, "t+0 replaced by the inference candidate " + Id], baseSet.TemperatureK, baseSet.ConductivitySPerM,
            baseSet.DiffusivityM2PerS, tplus, baseSet.ThermodynamicFactor, baseSet.SaltPartialMolarVolumeM3PerMol,
            baseSet.SolventPartialMolarVolumeM3PerMol, baseSet.InterfacialResistanceOhmM2);
    }
}

/// <summary>The misfit of one candidate, or why it has none (no physical solution, t₊⁰ ≥ 1 somewhere, ...).</summary>
public sealed record CandidateMisfit(TransferenceCandidate Candidate, MisfitBreakdown? Misfit, string? Failure)
{
    public bool Feasible => Misfit is not null;
}

/// <summary>Values Min, Min + Step, ... up to Max (inclusive within rounding).</summary>
public sealed record ParameterGrid(double Min, double Max, double Step)
{
    public double[] Values()
    {
        if (!(Step > 0) || !(Max >= Min) || !double.IsFinite(Min) || !double.IsFinite(Max))
            throw new ArgumentException($"a parameter grid needs finite min <= max and step > 0, got {Min}:{Max}:{Step}");
        int n = (int)Math.Floor((Max - Min) / Step + 1e-9) + 1;
        if (n > 10_000) throw new ArgumentException($"parameter grid {Min}:{Max}:{Step} has {n} values, more than 10000");
        return Enumerable.Range(0, n).Select(k => Math.Round(Min + k * Step, 12)).ToArray();
    }

    public static ParameterGrid Parse(string text, string what)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new ArgumentException($"{what}: expected MIN:MAX:STEP, got '{text}'");
        var v = parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var grid = new ParameterGrid(v[0], v[1], v[2]);
        grid.Values();
        return grid;
    }
}
