using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Results;
using CloudXpcs.Reporting.Inputs;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Reporting.Figures;

/// <summary>
/// The study's XPCS figures: g2(τ) with the fitted model for one q over χ, ω against |cos χ| (per series), ω against q
/// and the master curve ω against q·|cos χ| (all series of the run).
/// </summary>
public static class XpcsFigures
{
    /// <summary>Model samples per curve: fine enough that the oscillation at long τ is drawn smooth, not as a polygon.</summary>
    private const int ModelPoints = 1500;
    public const int MaxChiBins = 6;

    /// <summary>File-name-safe form of a series name (x+0.20_t0300 → x+0.20_t0300; anything odd → '_').</summary>
    public static string Slug(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '.' or '_' ? c : '_').ToArray());

    /// <summary>
    /// The q bin whose χ bins are drawn: the one with the most bins used for the speed (then the most fitted bins,
    /// then the lower q). Without a fit, the q bin with the most non-empty χ bins.
    /// </summary>
    public static int ChooseQIndex(G2File g2, FitDocument? fit)
    {
        int best = 0;
        (int, int, int) bestKey = (-1, -1, -1);
        for (int iq = 0; iq < g2.QCentersInvA.Length; iq++)
        {
            var bins = Enumerable.Range(iq * g2.PhiBins, g2.PhiBins).ToList();
            int used = fit is null ? 0 : bins.Count(b => b < fit.Bins.Count && fit.Bins[b].UsedForSpeed);
            int ok = fit is null ? 0 : bins.Count(b => b < fit.Bins.Count && fit.Bins[b].Ok);
            int filled = bins.Count(b => g2.DynamicPixelCounts[b] > 0);
            var key = (used, ok, filled);
            if (key.CompareTo(bestKey) > 0) { best = iq; bestKey = key; }
        }
        return best;
    }

    /// <summary>
    /// Frames averaged into each multi-tau delay: the spacing to the previous lag (1 on level 0, 2^l on level l).
    /// </summary>
    public static int[] AveragingFrames(long[] lagFrames) =>
        lagFrames.Select((lag, i) => i == 0 ? 1 : (int)Math.Max(1, lag - lagFrames[i - 1])).ToArray();

    /// <summary>g2 points of every non-empty χ bin at one q, and Eq. 1 with each fitted bin's parameters over them.</summary>
    public static Figure Correlation(SeriesResult series, G2File g2)
    {
        int iq = ChooseQIndex(g2, series.Fit);
        int[] averaging = AveragingFrames(g2.LagFrames);
        var traces = new List<Trace>();
        foreach (int ic in DrawnChiBins(g2, iq, series.Fit))
        {
            int bin = iq * g2.PhiBins + ic;
            var taus = new List<double>(); var values = new List<double>(); var errors = new List<double>();
            for (int t = 0; t < g2.TauCount; t++)
            {
                double v = g2.G2At(t, bin), e = g2.G2ErrAt(t, bin);
                if (!double.IsFinite(v) || !(g2.DelaysS[t] > 0)) continue;
                taus.Add(g2.DelaysS[t]); values.Add(v); errors.Add(double.IsFinite(e) ? e : 0);
            }
            if (taus.Count == 0) continue;
            string chi = Grids.Number(g2.ChiCentersDeg[ic], "0");
            string rejected = series.Fit is { } f && bin < f.Bins.Count && !f.Bins[bin].UsedForSpeed
                ? $" (not used: {(f.Bins[bin].Ok ? "fit rejected" : f.Bins[bin].Reason ?? "not fitted")}, {g2.DynamicPixelCounts[bin]} px)" : "";
            traces.Add(new Trace($"χ = {chi}°{rejected}", taus.ToArray(), values.ToArray(), TraceStyle.Points, ic, errors.ToArray()));
            if (FittedParameters(series.Fit, bin) is { } p)
            {
                double[] grid = Grids.LogSpaced(taus[0], taus[^1], ModelPoints);
                double[] model = grid.Select(tau => HeterodyneModel.Evaluate(p, tau, AveragingAt(g2.DelaysS, averaging, tau), g2.FrameTimeS)).ToArray();
                traces.Add(new Trace(null, grid, model, TraceStyle.Line, ic));
            }
        }
        string q = Grids.Number(g2.QCentersInvA[iq], "0.0000");
        return new Figure($"g2-{Slug(series.Series)}.png", $"{series.Series}: g2 at q = {q} Å⁻¹", "delay τ (s)", "g2", traces,
            $"Correlation functions of series {series.Series} at q = {q} Å⁻¹ for up to {MaxChiBins} χ bins spread over those the fit used for the speed " +
            "(else over the well-filled ones; a bin the fit did not use is marked in the legend) (points, multi-tau errors) and the " +
            "heterodyne model (Eq. 1) with each bin's fitted β, h, τ0, γ, ω and the multi-tau averaging factor (lines).",
            LogX: true);
    }

    /// <summary>
    /// The χ bins drawn at q index <paramref name="iq"/>: those the fit used for the speed when there are at least two,
    /// else the well-filled ones (at least a quarter of the best-filled bin's pixels; a few-pixel bin at χ = ±90° is
    /// noise); more than <see cref="MaxChiBins"/> are thinned evenly.
    /// </summary>
    public static IReadOnlyList<int> DrawnChiBins(G2File g2, int iq, FitDocument? fit = null)
    {
        int Pixels(int ic) => g2.DynamicPixelCounts[iq * g2.PhiBins + ic];
        var filled = Enumerable.Range(0, g2.PhiBins).Where(ic => Pixels(ic) > 0).ToList();
        var used = fit is null ? [] : filled.Where(ic => iq * g2.PhiBins + ic < fit.Bins.Count && fit.Bins[iq * g2.PhiBins + ic].UsedForSpeed).ToList();
        int most = filled.Count == 0 ? 0 : filled.Max(Pixels);
        var pool = used.Count >= 2 ? used : filled.Where(ic => 4 * Pixels(ic) >= most).ToList();
        if (pool.Count <= MaxChiBins) return pool;
        return Enumerable.Range(0, MaxChiBins).Select(i => pool[(int)Math.Round(i * (pool.Count - 1) / (double)(MaxChiBins - 1))]).ToList();
    }

    /// <summary>Fitted |ω| of every fitted bin against |cos χ|, one colour per q, with ω = v·q·|cos χ| at the series speed.</summary>
    public static Figure? OmegaVsCosChi(SeriesResult series)
    {
        if (series.Fit is not { } fit) return null;
        var traces = new List<Trace>();
        var qs = fit.Bins.Where(b => b.Ok && b.OmegaRadPerS.HasValue).Select(b => b.QInvA).Distinct().Order().ToList();
        for (int i = 0; i < qs.Count; i++)
        {
            var bins = fit.Bins.Where(b => b.Ok && b.OmegaRadPerS.HasValue && b.QInvA == qs[i]).OrderBy(b => MeanAbsCosChi(b, series.G2)).ToList();
            string label = $"q = {Grids.Number(qs[i], "0.0000")} Å⁻¹";
            traces.Add(new Trace(label, bins.Select(b => MeanAbsCosChi(b, series.G2)).ToArray(), bins.Select(b => Math.Abs(b.OmegaRadPerS!.Value)).ToArray(),
                TraceStyle.Points, i, bins.Select(b => b.OmegaErrRadPerS ?? 0).ToArray()));
            if (series.SpeedAPerS is double v)
                traces.Add(new Trace(null, [0, 1], [0, v * qs[i]], TraceStyle.Line, i));
        }
        if (traces.Count == 0) return null;
        return new Figure($"omega-chi-{Slug(series.Series)}.png", $"{series.Series}: ω against |cos χ|", "|cos χ| (bin mean)", "|ω| (rad/s)", traces,
            $"Fitted oscillation frequency of every fitted bin of {series.Series} against |cos χ| (averaged over the bin, as in the fit; " +
            "points), and ω = v·q·|cos χ| at " +
            $"the series speed {SpeedText(fit)} (lines). Colour runs with q (blue = smallest, red = largest); neighbouring q also differ in marker shape.",
            Colours: ColourScale.Ordered);
    }

    /// <summary>Per-q ω amplitude (ω at |cos χ| = 1) of every series against q, with ω = v·q at each series speed.</summary>
    public static Figure? OmegaVsQ(IReadOnlyList<SeriesResult> series)
    {
        var traces = new List<Trace>();
        int colour = 0;
        foreach (var s in series)
        {
            if (s.Fit?.PerQ is not { } perQ) continue;
            var rows = perQ.Where(p => p.OmegaAmplitudeRadPerS.HasValue).OrderBy(p => p.QInvA).ToList();
            if (rows.Count == 0) continue;
            traces.Add(new Trace(s.Series, rows.Select(p => p.QInvA).ToArray(), rows.Select(p => p.OmegaAmplitudeRadPerS!.Value).ToArray(),
                TraceStyle.Points, colour, rows.Select(p => p.OmegaAmplitudeErrRadPerS ?? 0).ToArray()));
            if (s.SpeedAPerS is double v)
                traces.Add(new Trace(null, [0, rows[^1].QInvA], [0, v * rows[^1].QInvA], TraceStyle.Line, colour));
            colour++;
        }
        return traces.Count == 0 ? null : new Figure("omega-q.png", "ω against q", "q (Å⁻¹)", "ω amplitude (rad/s)", traces,
            "Oscillation frequency at |cos χ| = 1 from the per-q fits of ω against |cos χ| (points) and ω = v·q at each series speed (lines).");
    }

    /// <summary>The master curve: ω of every bin used for the speed against q·|cos χ|, with slope = series speed.</summary>
    public static Figure? MasterCurve(IReadOnlyList<SeriesResult> series)
    {
        var traces = new List<Trace>();
        int colour = 0;
        foreach (var s in series)
        {
            if (s.Fit is not { } fit) continue;
            double ProjectedQ(FitBinJson bin) => bin.QInvA * MeanAbsCosChi(bin, s.G2);
            var bins = fit.Bins.Where(b => b.UsedForSpeed && b.OmegaRadPerS.HasValue).OrderBy(ProjectedQ).ToList();
            if (bins.Count == 0) continue;
            traces.Add(new Trace(s.Series, bins.Select(ProjectedQ).ToArray(), bins.Select(b => Math.Abs(b.OmegaRadPerS!.Value)).ToArray(),
                TraceStyle.Points, colour, bins.Select(b => b.OmegaErrRadPerS ?? 0).ToArray()));
            if (s.SpeedAPerS is double v)
                traces.Add(new Trace(null, [0, ProjectedQ(bins[^1])], [0, v * ProjectedQ(bins[^1])], TraceStyle.Line, colour));
            colour++;
        }
        return traces.Count == 0 ? null : new Figure("master-curve.png", "Master curve: ω against q·|cos χ|", "q·|cos χ| (Å⁻¹)", "|ω| (rad/s)", traces,
            "Every bin used for the speed collapses onto one line per series, ω = v·q·|cos χ| (the study's Eq. 2; |cos χ| averaged over " +
            "the bin, as in the fit); lines: slope = fitted speed.");
    }

    /// <summary>
    /// The projection the fit used: fit.json's projected q·|cos χ| over q; for older files |cos χ| averaged over the
    /// bin's range (bin widths from g2.h5: equal-width bins), or at the centre without g2.h5.
    /// </summary>
    public static double MeanAbsCosChi(FitBinJson bin, G2File? g2)
    {
        if (bin.ProjectedQInvA is { } projected && bin.QInvA > 0) return projected / bin.QInvA;
        if (g2 is null || g2.PhiBins == 0) return Math.Abs(CosChi(bin.ChiDeg));
        double qWidth = g2.QCentersInvA.Length > 1 ? g2.QCentersInvA[1] - g2.QCentersInvA[0] : 0;
        double mean = BinOmegaSpread.OfBin(bin.QInvA, bin.ChiDeg, Math.Abs(qWidth), 360.0 / g2.PhiBins).MeanAbsCosChi;
        return double.IsFinite(mean) ? mean : Math.Abs(CosChi(bin.ChiDeg));
    }

    private static double CosChi(double chiDeg) => Math.Cos(chiDeg * Math.PI / 180.0);

    private static HeterodyneParameters? FittedParameters(FitDocument? fit, int bin) =>
        fit is not null && bin < fit.Bins.Count && fit.Bins[bin] is { Ok: true, Beta: double beta, H: double h, Tau0S: double tau0, Gamma: double gamma, OmegaRadPerS: double omega }
            ? new HeterodyneParameters(beta, h, tau0, gamma, omega) : null;

    /// <summary>Averaging width of the largest measured delay at or below τ (the multi-tau level τ falls in).</summary>
    private static int AveragingAt(double[] delaysS, int[] averaging, double tau)
    {
        int index = 0;
        for (int i = 0; i < delaysS.Length; i++) if (delaysS[i] <= tau) index = i;
        return averaging[index];
    }

    internal static string SpeedText(FitDocument fit) => fit.Velocity is { Resolvable: true, SpeedAPerS: double v, SpeedErrAPerS: double e }
        ? $"{Grids.Number(v, "0.00")} ± {Grids.Number(e, "0.00")} Å/s" + (fit.Velocity is { SpeedErrStatAPerS: double st, SpeedErrSysAPerS: double sy }
            ? $" (statistical {Grids.Number(st, "0.00")}, systematic {Grids.Number(sy, "0.00")}: q calibration and model floor)" : "")
        : "(not resolvable)";
}
