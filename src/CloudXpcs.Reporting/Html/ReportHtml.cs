using CloudXpcs.Reporting.Figures;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Html;

/// <summary>
/// index.html of a run report: plain HTML with an inline style sheet, no script and no external resource; figures
/// are PNG files beside it.
/// </summary>
public static class ReportHtml
{
    private const string Style = """
        body { font-family: sans-serif; max-width: 1240px; margin: 1em auto; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-top: .6em; }
        table { border-collapse: collapse; margin: .5em 0 1em; font-size: .92em; }
        th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
        thead th { background: #f0f0f0; } thead:has(th:empty) { display: none; }
        figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: .9em; color: #444; max-width: 820px; }
        .missing { color: #777; font-style: italic; } nav a { margin-right: 1em; }
        """;

    /// <param name="toolVersion">Version shown when the run has no run.json, and as the report's writer.</param>
    /// <param name="runFolderLabel">How the provenance names the run folder; null = its path.</param>
    public static string Build(ReportContent content, string toolVersion, string? runFolderLabel, DateTimeOffset generatedUtc)
    {
        var inputs = content.Inputs;
        string title = $"CloudXpcs report: {Beamtime(inputs)}";
        var html = new HtmlBuilder();
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Element("title", title)
            .Raw($"<style>\n{Style}\n</style>\n</head>\n<body>\n")
            .Element("h1", title)
            .Element("p", $"Run {inputs.Run?.RunId ?? Path.GetFileName(inputs.RunDir)}; generated {generatedUtc:yyyy-MM-dd HH:mm:ss} UTC by cloudxpcs {Version(inputs, toolVersion)}.");
        html.Raw("<nav>");
        foreach (var (id, name) in Contents(content)) html.Raw($"<a href=\"#{id}\">{HtmlBuilder.Encode(name)}</a>");
        html.Raw("</nav>\n");

        SeriesSection(html, inputs);
        foreach (var section in content.Sections)
        {
            html.Element("h2", section.Title, $"id=\"{section.Id}\"");
            if (section.Id == ReportContent.InferenceId) InferenceTable(html, inputs.Inference);
            if (section.Missing is not null) html.Element("p", section.Missing, "class=\"missing\"");
            foreach (var figure in section.Figures) FigureElement(html, figure);
            if (section.Id == ReportContent.VelocitiesId) ComparisonSection(html, inputs.Comparison);
        }
        ProvenanceSection(html, inputs, toolVersion, runFolderLabel);
        html.Raw("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The page's headings in order (the comparison table follows the velocity section).</summary>
    private static IEnumerable<(string Id, string Name)> Contents(ReportContent content)
    {
        yield return ("series", "Series");
        foreach (var section in content.Sections)
        {
            yield return (section.Id, section.Title);
            if (section.Id == ReportContent.VelocitiesId) yield return ("comparison", "Comparison");
        }
        yield return ("provenance", "Provenance");
    }

    private static void FigureElement(HtmlBuilder html, Figure figure)
    {
        int width = FigureRenderer.Width + (figure.Inset is null ? 0 : FigureRenderer.InsetWidth);
        html.Raw($"<figure>\n<img src=\"{Uri.EscapeDataString(figure.FileName)}\" alt=\"{HtmlBuilder.Encode(figure.Title)}\" width=\"{width}\" height=\"{FigureRenderer.Height}\">\n")
            .Element("figcaption", figure.Caption)
            .Raw("</figure>\n");
    }

    private static void SeriesSection(HtmlBuilder html, RunInputs inputs)
    {
        html.Element("h2", "Series", "id=\"series\"");
        var rows = SeriesRow.From(inputs);
        if (rows.Count == 0) { html.Element("p", $"{ReportContent.NotAvailable} (no series).", "class=\"missing\""); return; }
        html.Table(["series", "position (mm)", "time (min)", "status", "speed (Å/s)", "resolvable", "bins used", "note"],
            rows.Select(r => (IReadOnlyList<string>)[r.Series, r.PositionMm is double x ? Grids.Number(x, "0.00") : "",
                r.TimeMin is double t ? Grids.Number(t, "0.#") : "", r.Status, r.SpeedText, r.Resolvable switch { true => "yes", false => "no", null => "" },
                r.UsedBins?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", r.Note ?? ""]));
    }

    private static void ComparisonSection(HtmlBuilder html, ComparisonDocument? comparison)
    {
        html.Element("h2", "Comparison of transport sets", "id=\"comparison\"");
        if (comparison is null) { html.Element("p", $"{ReportContent.NotAvailable} (no comparison.json).", "class=\"missing\""); return; }
        if (comparison.VelocityWindowMin.Length == 2)
            html.Element("p", $"Velocity window: {Grids.Number(comparison.VelocityWindowMin[0], "0.#")}–{Grids.Number(comparison.VelocityWindowMin[1], "0.#")} min.");
        var ranks = comparison.Ranking.ToDictionary(r => r.Set, r => r);
        html.Table(["set", "rank", "score", "v ratio (measured/predicted)", "positions within 1.5 σ", "profile RMSE (mol/L), mean over times", "reasons"],
            comparison.Sets.Select(s => (IReadOnlyList<string>)[
                s.Set,
                ranks.TryGetValue(s.Set, out var r) ? r.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                s.Score is double score ? Grids.Number(score, "0.###") : "",
                s.Velocities.RatioMean is double m ? $"{Grids.Number(m, "0.00")} ± {Grids.Number(s.Velocities.RatioStd ?? 0, "0.00")}" : "",
                string.Join(", ", s.Velocities.PositionsWithinBand.Select(p => Grids.Number(p, "0.00"))),
                s.Profiles.Select(p => p.RmseM).DefaultIfEmpty(double.NaN).Average() is var rmse && double.IsFinite(rmse) ? Grids.Number(rmse, "0.000") : "",
                r is null ? "" : string.Join("; ", r.Reasons)]));
        // Every result states the thermodynamic factor it used and the properties clamped outside their tables.
        foreach (var s in comparison.Sets)
            html.Element("p", $"{s.Set}: {s.ThermodynamicFactor ?? "thermodynamic factor not stated in comparison.json"}" +
                (s.Warnings.Count > 0 ? "; " + string.Join("; ", s.Warnings) : "") + ".");
    }

    private static void InferenceTable(HtmlBuilder html, InferenceDocument? inference)
    {
        if (inference is null) return;
        html.Element("p", $"Base set {inference.BaseSet}; reference concentration {Grids.Number(inference.ReferenceConcentrationM, "0.###")} mol/L. " +
            $"Preferred model: {inference.Preferred} — {inference.Reason}. " +
            $"Thermodynamic factor held fixed: {inference.ThermodynamicFactor ?? "not stated"} (the data constrain mainly T_f(1 − t+0)²).");
        html.Table(["model", "parameter", "value", "95% interval", "misfit", "data points"],
            inference.Models.SelectMany(m => m.Parameters.Select((p, i) => (IReadOnlyList<string>)[
                i == 0 ? m.Model + (m.Model == inference.Preferred ? " (preferred)" : "") : "", p.Key, Grids.Number(p.Value, "0.####"),
                m.Ci95.GetValueOrDefault(p.Key) is [double lo, double hi] ? $"[{Grids.Number(lo, "0.####")}, {Grids.Number(hi, "0.####")}]" : "",
                i == 0 ? Grids.Number(m.Misfit, "0.###") : "",
                i == 0 ? m.NData.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""])));
        NuisanceTables(html, inference);
    }

    /// <summary>t+0 with T_f, κ, D and R_int as nuisance parameters, per model and T_f assumption, and what the data determine.</summary>
    private static void NuisanceTables(HtmlBuilder html, InferenceDocument inference)
    {
        if (inference.Nuisance is not { Fits: var fits } || fits.Count == 0) return;
        html.Element("h3", "t+0 with nuisance parameters (T_f, κ scale, D scale, R_int)");
        html.Element("p", "Each fit: t+0 jointly with the nuisances (priors: inference.json nuisance.priors), residual correlation handled by " +
            "per-kind effective sample sizes; 95 % intervals ±1.96σ at the optimum. The intervals depend on the T_f assumption: the data determine " +
            "T_f(1 − t+0)² better than T_f or t+0 alone.");
        static string Interval(NuisanceEstimateJson p) => p.Ci95 is [double lo, double hi] ? $"[{Grids.Number(lo, "0.###")}, {Grids.Number(hi, "0.###")}]" : "";
        html.Table(["model", "T_f", "t+0 (95 %)", "nuisances (95 %)", "misfit", "effective / data points"],
            fits.Select(f => (IReadOnlyList<string>)[f.Model, f.Assumption,
                f.Parameters.Count > 0 ? $"{Grids.Number(f.Parameters[0].Value, "0.###")} {Interval(f.Parameters[0])}" : "",
                string.Join("; ", f.Parameters.Skip(1).Select(p => $"{p.Name} {Grids.Number(p.Value, "0.###")} {Interval(p)}")),
                Grids.Number(f.Chi2, "0.#"),
                $"{Grids.Number(f.EffectivePoints, "0")} / {f.Points.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]));
        html.Table(["model", "T_f", "combination", "value ± σ", "determined by the data"],
            fits.SelectMany(f => f.Combinations.Select(c => (IReadOnlyList<string>)[f.Model, f.Assumption, c.Description,
                $"{Grids.Number(c.Value, "0.###")} ± {(c.Sigma is double s ? Grids.Number(s, "0.###") : "∞")}", c.Determined ? "yes" : "no"])));
    }

    private static void ProvenanceSection(HtmlBuilder html, RunInputs inputs, string toolVersion, string? runFolderLabel)
    {
        html.Element("h2", "Run parameters and provenance", "id=\"provenance\"");
        var run = inputs.Run;
        var pairs = new List<(string, string)> { ("run folder", runFolderLabel ?? inputs.RunDir) };
        if (run is null) pairs.Add((RunJson.FileName, $"{ReportContent.NotAvailable} (an offline run)"));
        else
        {
            pairs.Add(("run id", run.RunId));
            pairs.Add(("beamtime", run.Beamtime));
            pairs.Add(("created (UTC)", run.CreatedUtc));
            pairs.AddRange(run.ParameterTexts().Select(p => ("parameter " + p.Key, p.Value)));
            pairs.AddRange(run.Versions.Select(v => ("version of " + v.Key, v.Value)));
        }
        pairs.Add(("report written by", $"cloudxpcs {toolVersion}"));
        html.Pairs(pairs);
        if (run is { Inputs.Count: > 0 })
        {
            html.Element("h3", $"Inputs ({run.Inputs.Count} blobs)");
            html.Table(["blob", "MD5 (base64)", "bytes"], run.Inputs.Select(i => (IReadOnlyList<string>)[i.Blob, i.Md5 ?? "",
                i.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }
        html.Element("h3", "Result files this report read");
        html.Table(["file", "bytes"], ReadFiles(inputs.RunDir).Select(f => (IReadOnlyList<string>)[f.Name, f.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
    }

    private static IEnumerable<(string Name, long Bytes)> ReadFiles(string runDir)
    {
        string[] patterns = [ComparisonJson.FileName, InferenceJson.FileName, RunJson.FileName, XamProfilesCsv.RunRelativePath];
        foreach (string p in patterns)
            if (File.Exists(Path.Combine(runDir, p))) yield return (p, new FileInfo(Path.Combine(runDir, p)).Length);
        foreach (string folder in new[] { RunInputs.SimulationsFolder, RunInputs.XpcsFolder })
        {
            string dir = Path.Combine(runDir, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (string f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                         .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".h5", StringComparison.Ordinal)))
                yield return (Path.GetRelativePath(runDir, f), new FileInfo(f).Length);
        }
    }

    private static string Beamtime(RunInputs inputs) => inputs.Run?.Beamtime ?? Path.GetFileName(inputs.RunDir);

    private static string Version(RunInputs inputs, string toolVersion) =>
        inputs.Run?.Versions.GetValueOrDefault("cloudxpcs") ?? toolVersion;
}
