using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Entry point of the heterodyne analysis of one XPCS series: Eq. 1 fitted to every q/χ bin, then the speed from
/// all bins (Eq. 2) by one joint fit with a shared speed. Deterministic for a given input.
/// </summary>
public static class HeterodyneSeriesFitter
{
    /// <summary>Fits a multi-tau result; the lag levels give each delay's averaging width (Fejér factor).</summary>
    public static SeriesFit Fit(MultiTauResult g2, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(g2);
        int bins = g2.BinCount;
        var q = new double[bins];
        var chi = new double[bins];
        for (int b = 0; b < bins; b++) { q[b] = g2.QMap.QOfBin(b); chi[b] = g2.QMap.ChiOfBin(b); }
        int[] averagingFrames = g2.Lags.Select(l => 1 << l.Level).ToArray();
        return Fit(g2.DelaysS, g2.G2, g2.G2Err, q, chi, g2.QMap.DynamicPixelCounts, options, averagingFrames, g2.FrameTimeS,
            spreads: (options ?? FitOptions.Default).ModelBinSpread ? BinOmegaSpread.OfQMap(g2.QMap) : null);
    }

    /// <summary>Fits plain arrays.</summary>
    /// <param name="delaysS">n_tau delays (s), increasing.</param>
    /// <param name="g2">n_tau × n_bins row-major; NaN where undefined.</param>
    /// <param name="g2Err">Same shape as <paramref name="g2"/>.</param>
    /// <param name="qInvA">q of each bin (Å⁻¹).</param>
    /// <param name="chiDeg">χ of each bin (degrees from the flow axis).</param>
    /// <param name="pixelCounts">Pixels in each bin.</param>
    /// <param name="averagingFrames">Frames averaged into each delay (2^level of the multi-tau lag), or null for none.</param>
    /// <param name="frameTimeS">Frame time (s); needed with <paramref name="averagingFrames"/>; 0 when unknown.</param>
    /// <param name="qBinWidthInvA">Full width of the (equal-width) q bins, for the spread of ω within a bin when <paramref name="spreads"/> is null (pixels uniform over the bin, <see cref="BinOmegaSpread.OfBin"/>); 0: not modelled.</param>
    /// <param name="chiBinWidthDeg">Full width of the χ bins (degrees); 0: not modelled.</param>
    /// <param name="spreads">The distribution of q·|cos χ| over each bin's pixels (from the q-map, <see cref="BinOmegaSpread.OfQMap"/>);
    /// when given it replaces the bin widths.</param>
    public static SeriesFit Fit(double[] delaysS, double[] g2, double[] g2Err, double[] qInvA, double[] chiDeg, int[] pixelCounts,
        FitOptions? options = null, int[]? averagingFrames = null, double frameTimeS = 0.0,
        double qBinWidthInvA = 0.0, double chiBinWidthDeg = 0.0, IReadOnlyList<BinOmegaSpread>? spreads = null)
    {
        options ??= FitOptions.Default;
        options.Validate();
        int nTau = delaysS.Length, nBins = qInvA.Length;
        if (nTau == 0) throw new ArgumentException("no delays", nameof(delaysS));
        if (g2.Length != nTau * nBins) throw new ArgumentException($"g2 has {g2.Length} values, expected {nTau}x{nBins}", nameof(g2));
        if (g2Err.Length != g2.Length) throw new ArgumentException("g2Err and g2 differ in length", nameof(g2Err));
        if (chiDeg.Length != nBins || pixelCounts.Length != nBins) throw new ArgumentException("chiDeg and pixelCounts need one value per bin");
        if (spreads is not null && spreads.Count != nBins) throw new ArgumentException("one spread per bin", nameof(spreads));
        if (averagingFrames is not null && averagingFrames.Length != nTau) throw new ArgumentException("one averaging width per delay", nameof(averagingFrames));
        for (int t = 1; t < nTau; t++)
            if (!(delaysS[t] > delaysS[t - 1])) throw new ArgumentException("delays must increase", nameof(delaysS));

        bool useFejer = options.ModelMultiTauAveraging && averagingFrames is not null && frameTimeS > 0;
        double samplingS = frameTimeS > 0 ? frameTimeS : delaysS.Where(d => d > 0).DefaultIfEmpty(1.0).Min();
        double omegaMaxRadPerS = 0.98 * Math.PI / samplingS;   // level-0 Nyquist

        var fits = new BinFit[nBins];
        var data = new BinSeries?[nBins];
        var boxes = new ParameterBox?[nBins];
        Parallel.For(0, nBins, b =>
        {
            var spread = !options.ModelBinSpread ? BinOmegaSpread.Point
                : spreads is not null ? spreads[b]
                : BinOmegaSpread.OfBin(qInvA[b], chiDeg[b], qBinWidthInvA, chiBinWidthDeg);
            var series = BinSeries.FromColumn(delaysS, t => g2[t * nBins + b], t => g2Err[t * nBins + b],
                useFejer ? averagingFrames : ReadOnlySpan<int>.Empty, useFejer ? frameTimeS : 0.0, spread);
            fits[b] = HeterodyneBinFitter.Fit(b, qInvA[b], chiDeg[b], pixelCounts[b], series, omegaMaxRadPerS, options);
            if (double.IsFinite(spread.MeanAbsCosChi)) fits[b] = fits[b] with { MeanAbsCosChi = spread.MeanAbsCosChi };
            if (pixelCounts[b] >= options.MinPixels && series.Count >= options.MinDelays)
            {
                data[b] = series;
                boxes[b] = new ParameterBox(series, omegaMaxRadPerS, options);
            }
        });

        var (velocity, perQ, finalBins) = VelocityEstimator.Estimate(fits, data, boxes, options);
        return new SeriesFit(finalBins, perQ, velocity);
    }
}
