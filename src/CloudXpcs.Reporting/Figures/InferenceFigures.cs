using CloudXpcs.Data.Results;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting.Figures;

/// <summary>Profile-likelihood curves of the transference-number models (inference.json).</summary>
public static class InferenceFigures
{
    public static IReadOnlyList<Figure> Profiles(InferenceFile? inference)
    {
        if (inference is null) return [];
        var figures = new List<Figure>();
        foreach (var (model, k) in inference.Models.Select((m, k) => (m, k)))
        {
            if (model.Profile.Count == 0 || model.MainParameter is not { } name) continue;
            var points = model.Profile.OrderBy(p => p.ParameterValue).ToList();
            var traces = new List<Trace>
            {
                new("profile", points.Select(p => p.ParameterValue).ToArray(), points.Select(p => p.Misfit).ToArray(), TraceStyle.Line, k + 1),
            };
            var best = model.Parameters[0];
            if (model.Misfit is double misfit) traces.Add(new Trace("best fit", [best.Value], [misfit], TraceStyle.Points, 0));
            figures.Add(new Figure($"inference-{XpcsFigures.Slug(model.Model)}.png", $"Model '{model.Model}': profile of {name}", name, "misfit", traces,
                $"Misfit with {name} held fixed and the other parameters refitted (model '{model.Model}'); point: the best fit."));
        }
        return figures;
    }
}
