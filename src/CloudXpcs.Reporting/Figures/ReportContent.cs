using CloudXpcs.Data.Comparison;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Figures;

/// <summary>
/// The report's figures, section by section, prepared from a run's inputs (pure: nothing is drawn or written).
/// A section without data says why instead.
/// </summary>
public sealed record ReportContent(RunInputs Inputs, IReadOnlyList<FigureSection> Sections)
{
    public const string NotAvailable = "not available in this run";
    public const string VelocitiesId = "velocities", InferenceId = "inference";

    public IEnumerable<Figure> Figures => Sections.SelectMany(s => s.Figures);

    public static ReportContent From(RunInputs inputs)
    {
        var series = inputs.Series;
        var sims = inputs.Simulations;
        var comparison = inputs.Comparison;
        var sections = new List<FigureSection>
        {
            Section("correlation", "Correlation functions (one q over χ)",
                series.Where(s => s.G2 is not null).Select(s => XpcsFigures.Correlation(s, s.G2!)).ToList(), "no xpcs/<series>/g2.h5"),
            Section("omega-chi", "ω against |cos χ|", series.Select(XpcsFigures.OmegaVsCosChi).OfType<Figure>().ToList(), "no fitted bins in xpcs/<series>/fit.json"),
            Section("omega-q", "ω against q and the master curve",
                new[] { XpcsFigures.OmegaVsQ(series), XpcsFigures.MasterCurve(series) }.OfType<Figure>().ToList(), "no fitted series"),
            Section("current", "Current: measured and predicted",
                new[] { CellFigures.Current(comparison?.Measured.Current, sims), CellFigures.CurrentRatio(comparison) }.OfType<Figure>().ToList(),
                "no simulations/<set>.json and no measured current in comparison.json"),
            Section("profiles", "Concentration profiles", CellFigures.Profiles(MeasuredProfiles(inputs), sims), "no xam/profiles.csv and no measured profiles in comparison.json"),
        };
        // Two-time is an option of the analysis: its section appears only in runs that have it.
        var twoTime = series.Select(s => TwoTimeFigures.Map(inputs, s)).Append(TwoTimeFigures.SpeedVsAge(series)).OfType<Figure>().ToList();
        if (twoTime.Count > 0) sections.Insert(3, Section("twotime", "Two-time correlation and speed against age", twoTime, ""));
        var velocities = CellFigures.MeasuredVelocities(comparison, series, sims, out string source);
        sections.Add(Section(VelocitiesId, "Solvent velocities against time", CellFigures.Velocities(velocities, sims, source),
            "no resolvable speed in fit.json and no measured velocities in comparison.json"));
        sections.Add(Section(InferenceId, "Transference-number inference", InferenceFigures.Profiles(inputs.Inference), "no inference.json"));
        return new ReportContent(inputs, sections);
    }

    /// <summary>Measured profiles: comparison.json's (what the comparison used) when it has them, else xam/profiles.csv.</summary>
    public static IReadOnlyList<ProfilePointJson> MeasuredProfiles(RunInputs inputs) =>
        inputs.Comparison is { Measured.Profiles.Count: > 0 } c
            ? c.Measured.Profiles
            : inputs.XamProfiles.Select(p => new ProfilePointJson(p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)).ToList();

    private static FigureSection Section(string id, string title, IReadOnlyList<Figure> figures, string missingBecause) =>
        new(id, title, figures, figures.Count == 0 ? $"{NotAvailable} ({missingBecause})." : null);
}
