using System.Globalization;
using CloudXpcs.Analysis.Xpcs;

namespace CloudXpcs.Cli.Commands;

/// <summary>The console summary of a fitted beamline result file: the speed line, then the relaxation of each q bin.</summary>
public static class BeamlineFitSummary
{
    public static IEnumerable<string> Lines(BeamlineResultFit result)
    {
        yield return AnalyzeSeriesCommand.SpeedLine(result.Document);
        yield return "relaxation per q: g2 = baseline + contrast·exp(−2(τ/τ0)^stretching), 1σ errors";
        yield return $"{"q (1/A)",10} {"tau0 (s)",22} {"stretching",16} {"contrast",18} {"chi2_red",9}  note";
        foreach (var r in result.Relaxation)
        {
            yield return $"{G(r.QInvA, "G4"),10} {PlusMinus(r.Tau0S, r.Tau0ErrS),22} {PlusMinus(r.Gamma, r.GammaErr),16} " +
                         $"{PlusMinus(r.Contrast, r.ContrastErr),18} {G(r.ReducedChi2, "F2"),9}  {(r.Resolved ? "" : r.Reason)}";
        }
    }

    private static string PlusMinus(double? value, double? error) =>
        value is not { } v ? "-" : $"{G(v, "G3")} ± {(error is { } e && double.IsFinite(e) ? G(e, "G2") : "?")}";

    private static string G(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
