using CloudXpcs.Science.Inference;

namespace CloudXpcs.Analysis.Comparison;

/// <summary>
/// The nuisance-parameter inference of a prepared beamtime under each T_f assumption: T_f = 1, T_f = the built-in sets'
/// named assumption (<see cref="Science.Electrolyte.BuiltInTransportSets.AssumedThermodynamicFactor"/>), T_f profiled;
/// for the constant model and (unless constant only) the linear one.
/// </summary>
public static class NuisanceInferenceRuns
{
    public static IReadOnlyList<ThermoFactorAssumption> Assumptions =>
    [
        ThermoFactorAssumption.Fixed(1.0),
        ThermoFactorAssumption.Fixed(Science.Electrolyte.BuiltInTransportSets.AssumedThermodynamicFactor),
        ThermoFactorAssumption.Profiled,
    ];

    public static IReadOnlyList<NuisanceFit> Run(InferenceSetup setup, NuisancePriors priors, double startTplus0, int threads = 0,
        Action<NuisanceFit>? done = null)
    {
        var fits = new List<NuisanceFit>();
        var o = setup.Options;
        foreach (bool linear in o.IncludeLinear ? new[] { false, true } : [false])
            foreach (var assumption in Assumptions)
            {
                var fit = NuisanceInference.Fit(setup.Beamtime.Measured, setup.BaseSet, setup.Spec, o.Misfit, o.ReferenceConcentrationM, linear,
                    assumption, priors, threads, startTplus0);
                done?.Invoke(fit);
                fits.Add(fit);
            }
        return fits;
    }
}
