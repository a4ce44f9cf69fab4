using CloudXpcs.Data.Comparison;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Figures;

/// <summary>Profile-likelihood curves of the transference-number models (inference.json).</summary>
public static class InferenceFigures
{
    public static IReadOnlyList<Figure> Profiles(InferenceDocument? inference)
    {
        if (inference is null) return [];
        var figures = new List<Figure>();
        foreach (var (model, k) in inference.Models.Select((m, k) => (m, k)))
        {
            if (model.Profile.Count == 0 || model.MainParameter is not { } name) continue;
            var points = model.Profile.Select(p => (Value: p[name], Misfit: p["misfit"])).OrderBy(p => p.Value).ToList();
            string label = ReadableName(name);
            var traces = new List<Trace>
            {
                new("profile", points.Select(p => p.Value).ToArray(), points.Select(p => p.Misfit).ToArray(), TraceStyle.Line, k + 1),
            };
            double best = model.Parameters[name];
            double[]? ci = model.Ci95.GetValueOrDefault(name);
            traces.Add(new Trace("best fit", [best], [model.Misfit], TraceStyle.Points, 0));
            var (xLimits, yLimits) = ZoomToInterval(points, ci);
            string interval = ci is [double lo, double hi]
                ? $" The 95 % interval is {Grids.Number(lo, "0.000")} to {Grids.Number(hi, "0.000")}; the axes show it with as much on either side."
                : "";
            figures.Add(new Figure($"inference-{XpcsFigures.Slug(model.Model)}.png", $"Model '{model.Model}': profile of {label}", label,
                "misfit χ² (weighted)", traces,
                $"Misfit with {label} ({name}) held fixed and the other parameters refitted (model '{model.Model}'); point: the best fit.{interval}",
                XLimits: xLimits, YLimits: yLimits));
        }
        return figures;
    }

    /// <summary>t₊⁰ names of inference.json as a reader writes them (dimensionless transference numbers).</summary>
    public static string ReadableName(string parameter) => parameter switch
    {
        "tplus0" => "t₊⁰ (dimensionless)",
        "tplus0_at_ref" => "t₊⁰ at the reference concentration (dimensionless)",
        "slope_per_M" => "slope of t₊⁰ in c (per M)",
        _ => parameter.Replace('_', ' '),
    };

    /// <summary>
    /// Axes around the 95 % interval (its width again on each side) so that the minimum is not flattened by misfits of
    /// far-off values; without an interval, around the best fit over the points within ten times the least misfit.
    /// </summary>
    public static ((double, double)? X, (double, double)? Y) ZoomToInterval(IReadOnlyList<(double Value, double Misfit)> points, double[]? ci95)
    {
        double lo, hi;
        if (ci95 is [double l, double h] && h > l)
        {
            double w = h - l;
            (lo, hi) = (l - w, h + w);
        }
        else
        {
            double least = points.Min(p => p.Misfit);
            var near = points.Where(p => p.Misfit <= 10 * Math.Max(least, 1e-300)).Select(p => p.Value).ToList();
            if (near.Count < 2) return (null, null);
            (lo, hi) = (near.Min(), near.Max());
        }
        var inside = points.Where(p => p.Value >= lo && p.Value <= hi && double.IsFinite(p.Misfit)).Select(p => p.Misfit).ToList();
        if (inside.Count < 2) return ((lo, hi), null);
        double yMin = inside.Min(), yMax = inside.Max(), pad = 0.05 * Math.Max(yMax - yMin, 1e-12);
        return ((lo, hi), (yMin - pad, yMax + pad));
    }
}
