using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The distribution of ω = v·u, u = q·|cos χ|, over the pixels of one q/χ bin, as a few quadrature nodes: ratios
/// r_j = u_j/ū to the bin's weighted mean ū with weights w_j (Σ w_j = 1). The bin's g2 averages the oscillation of its
/// pixels, so the model sums the per-pixel oscillating term (multi-tau factors included) over the nodes at ω_j = ω·r_j,
/// ω = v·ū (<see cref="BinOscillation"/>). The distribution of u over a wide bin is lopsided (|cos χ| piles up near
/// its maximum, q weights the outer edge), so a symmetric spread about the centre biases ω; the nodes carry the skew.
/// The sorted pixels are cut into equal-weight slices, each represented by two nodes that keep its mean and variance
/// (so ū is exact).
/// </summary>
public sealed class BinOmegaSpread
{
    /// <summary>Nodes per bin: the phase error between nodes stays small over the delays where the oscillation lives.</summary>
    public const int DefaultNodeCount = 16;

    private readonly double[] _ratios, _weights;

    private BinOmegaSpread(double[] ratios, double[] weights, double meanAbsCosChi)
    {
        _ratios = ratios;
        _weights = weights;
        MeanAbsCosChi = meanAbsCosChi;
    }

    /// <summary>Every pixel at the bin centre: one node.</summary>
    public static BinOmegaSpread Point { get; } = new([1.0], [1.0], double.NaN);

    /// <summary>ū divided by the bin's centre q: the projection ω = v·q·(this) carries (NaN for <see cref="Point"/>).</summary>
    public double MeanAbsCosChi { get; }

    public ReadOnlySpan<double> Ratios => _ratios;
    public ReadOnlySpan<double> Weights => _weights;
    public int NodeCount => _ratios.Length;

    /// <summary>
    /// Nodes from the pixels' u = q_p·|cos χ_p| (Å⁻¹) and weights (their share of the bin's g2; positive).
    /// </summary>
    public static BinOmegaSpread FromPixels(ReadOnlySpan<double> projectedQInvA, ReadOnlySpan<double> weights, double qCentreInvA,
        int nodes = DefaultNodeCount)
    {
        if (projectedQInvA.Length != weights.Length) throw new ArgumentException("one weight per pixel");
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes));
        if (projectedQInvA.Length == 0) return Point;
        double[] u = projectedQInvA.ToArray(), w = weights.ToArray();
        Array.Sort(u, w);
        double total = 0, moment = 0;
        for (int p = 0; p < u.Length; p++) { total += w[p]; moment += w[p] * u[p]; }
        double mean = moment / total;
        if (!(total > 0) || !(mean > 0)) return new BinOmegaSpread([1.0], [1.0], 0.0);   // no projection: ω = 0 throughout
        // Equal-weight slices of the sorted pixels, two nodes each at the slice's mean ± its standard deviation: each
        // slice's mean and variance are kept, so the phase error per slice is fourth order in its width.
        int slices = Math.Max(1, nodes / 2);
        var ratios = new List<double>(2 * slices);
        var nodeWeights = new List<double>(2 * slices);
        double cumulative = 0, sliceW = 0, sliceM = 0, sliceM2 = 0;
        int slice = 0;
        for (int p = 0; p < u.Length; p++)
        {
            sliceW += w[p]; sliceM += w[p] * u[p]; sliceM2 += w[p] * u[p] * u[p]; cumulative += w[p];
            if (cumulative >= total * (slice + 1) / slices || p == u.Length - 1)
            {
                if (sliceW > 0)
                {
                    double m = sliceM / sliceW, sd = Math.Sqrt(Math.Max(0.0, sliceM2 / sliceW - m * m));
                    if (sd > 1e-9 * m)
                    {
                        ratios.Add((m - sd) / mean); nodeWeights.Add(0.5 * sliceW / total);
                        ratios.Add((m + sd) / mean); nodeWeights.Add(0.5 * sliceW / total);
                    }
                    else { ratios.Add(m / mean); nodeWeights.Add(sliceW / total); }
                }
                sliceW = sliceM = sliceM2 = 0;
                while (slice < slices - 1 && cumulative >= total * (slice + 1) / slices) slice++;
            }
        }
        return new BinOmegaSpread(ratios.ToArray(), nodeWeights.ToArray(), qCentreInvA > 0 ? mean / qCentreInvA : double.NaN);
    }

    /// <summary>
    /// Nodes of an equal-width bin centred at (q, χ) with full widths Δq and Δχ when only the widths are known: pixels
    /// uniform in q and χ over the bin (the static sub-bins, slices in q, weigh equally in the bin's g2).
    /// </summary>
    public static BinOmegaSpread OfBin(double qInvA, double chiDeg, double qWidthInvA, double chiWidthDeg, int nodes = DefaultNodeCount)
    {
        if (!(qWidthInvA >= 0) || !(chiWidthDeg >= 0)) throw new ArgumentOutOfRangeException(nameof(qWidthInvA), "bin widths must be non-negative");
        int nq = qWidthInvA > 0 ? 128 : 1, nc = chiWidthDeg > 0 ? 256 : 1;
        var u = new double[nq * nc];
        for (int i = 0; i < nq; i++)
        for (int j = 0; j < nc; j++)
        {
            double q = qInvA + ((i + 0.5) / nq - 0.5) * qWidthInvA;
            double chi = chiDeg + ((j + 0.5) / nc - 0.5) * chiWidthDeg;
            u[i * nc + j] = q * Math.Abs(Math.Cos(chi * Math.PI / 180.0));
        }
        var w = new double[u.Length];
        Array.Fill(w, 1.0);
        return FromPixels(u, w, qInvA, nodes);
    }

    /// <summary>
    /// Nodes of every dynamic bin of a q-map from its pixels. The bin's g2 is the mean over its static sub-bins of their
    /// normalised g2 (DATA_CONTRACT section 3), so a pixel weighs 1/(pixels in its static bin).
    /// </summary>
    public static BinOmegaSpread[] OfQMap(QMap map, int nodes = DefaultNodeCount)
    {
        ArgumentNullException.ThrowIfNull(map);
        var g = map.Geometry;
        int bins = map.DynamicBinCount;
        var counts = new int[bins];
        foreach (int b in map.DynamicBinOfPixel) if (b >= 0) counts[b]++;
        var u = new double[bins][];
        var w = new double[bins][];
        for (int b = 0; b < bins; b++) { u[b] = new double[counts[b]]; w[b] = new double[counts[b]]; }
        Array.Clear(counts);
        for (int row = 0; row < g.Rows; row++)
        for (int col = 0; col < g.Cols; col++)
        {
            int p = row * g.Cols + col, b = map.DynamicBinOfPixel[p];
            if (b < 0) continue;
            double chi = QMap.WrapChiDeg(g.PhiDeg(row, col) - map.FlowAxisDeg);
            u[b][counts[b]] = g.QInvA(row, col) * Math.Abs(Math.Cos(chi * Math.PI / 180.0));
            w[b][counts[b]++] = 1.0 / map.StaticPixelCounts[map.StaticBinOfPixel[p]];
        }
        var spreads = new BinOmegaSpread[bins];
        for (int b = 0; b < bins; b++) spreads[b] = FromPixels(u[b], w[b], map.QOfBin(b), nodes);
        return spreads;
    }
}

/// <summary>
/// The coefficients of the oscillating term of g2 for one delay: cos(ωτ)·(a·E + c·E′) + sin(ωτ)·(b·E + d·E′), E the
/// envelope, E′ = dE/dτ. A single frequency with multi-tau averaging has a = F_L(ω), d = F_L′(ω), b = c = 0.
/// </summary>
internal readonly record struct OscillationTerms(double CosOnE, double SinOnE, double CosOnSlope, double SinOnSlope);

/// <summary>
/// The oscillating term of one bin at one ω (= v·ū): Σ_j w_j [F_L(ω_j) cos(ω_j τ) E + F_L′(ω_j) sin(ω_j τ) E′] over the
/// bin's nodes ω_j = ω·r_j (see <see cref="HeterodyneModel"/> for the single-frequency term), written as
/// <see cref="OscillationTerms"/> about cos(ωτ), sin(ωτ) with δ_j = ω(r_j − 1)τ, and their ω-derivatives.
/// <para>
/// Callers go through a bin's delays in order, and a multi-tau ladder's delays step evenly within a level (1, 2, …, 8,
/// then 10, 12, 14, 16, then 20, …). The phases δ_j therefore follow from the previous delay's by one rotation, with
/// sines only for the first delay and for each new step (once per level instead of once per delay); the Fejér factors'
/// sin(L·a_j) follow by the double angle when L doubles. A rotation adds about one rounding (≈ 1e−16) to a phase, so
/// along a ladder the terms agree with direct sines to ~1e−13 of their size. (Squaring the step's rotation at each
/// doubling would save the remaining sines but doubles its error at every level: ~1e−11 after 16 levels.)
/// </para>
/// </summary>
internal sealed class BinOscillation
{
    // Two consecutive steps count as equal within this fraction of the delay: the delays' own rounding, which moves a
    // phase by at most that fraction of itself.
    private const double SameStepTolerance = 1e-12;

    private readonly BinOmegaSpread _spread;
    private readonly double _frameTimeS;
    private double _omega;
    private readonly double[] _f, _df, _d2f;
    // δ_j at the last delay, and the rotation by the last step between delays.
    private readonly double[] _cos, _sin, _stepCos, _stepSin;
    // sin and cos of a_j = ω_j·δ/2 and of L·a_j for the current averaging width L.
    private readonly double[] _sinA, _cosA, _sinLa, _cosLa;
    // The averaging width the Fejér arrays hold (−1: none yet, so any width, 0 included, sets them).
    private int _frames = -1;
    private double _lastDelayS = double.NaN, _stepS = double.NaN;

    public BinOscillation(BinOmegaSpread spread, double omegaRadPerS, double frameTimeS)
    {
        _spread = spread;
        _omega = omegaRadPerS;
        _frameTimeS = frameTimeS;
        int n = spread.NodeCount;
        _f = new double[n];
        _df = new double[n];
        _d2f = new double[n];
        _cos = new double[n];
        _sin = new double[n];
        _stepCos = new double[n];
        _stepSin = new double[n];
        _sinA = new double[n];
        _cosA = new double[n];
        _sinLa = new double[n];
        _cosLa = new double[n];
    }

    /// <summary>The same bin at another ω: what was stepped for the previous ω is recomputed (no new arrays).</summary>
    public void Retune(double omegaRadPerS)
    {
        _omega = omegaRadPerS;
        _frames = -1;
        _lastDelayS = double.NaN;
        _stepS = double.NaN;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public OscillationTerms Terms(int averagingFrames, double delayS, out OscillationTerms derivative)
    {
        var r = _spread.Ratios;
        var w = _spread.Weights;
        if (averagingFrames != _frames)
        {
            SetAveraging(averagingFrames);
            _frames = averagingFrames;
        }
        AdvancePhases(delayS);
        double a = 0, b = 0, c = 0, d = 0, da = 0, db = 0, dc = 0, dd = 0;
        for (int j = 0; j < r.Length; j++)
        {
            double rate = (r[j] - 1.0) * delayS;                 // dδ/dω
            double sin = _sin[j], cos = _cos[j];
            double f = w[j] * _f[j], df = w[j] * _df[j], d2f = w[j] * _d2f[j];
            a += f * cos; b -= f * sin; c += df * sin; d += df * cos;
            da += r[j] * df * cos - f * sin * rate;
            db -= r[j] * df * sin + f * cos * rate;
            dc += r[j] * d2f * sin + df * cos * rate;
            dd += r[j] * d2f * cos - df * sin * rate;
        }
        derivative = new OscillationTerms(da, db, dc, dd);
        return new OscillationTerms(a, b, c, d);
    }

    /// <summary>The phases δ_j = ω(r_j − 1)·τ at <paramref name="delayS"/>, from those at the previous delay where the step allows.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void AdvancePhases(double delayS)
    {
        var r = _spread.Ratios;
        double step = delayS - _lastDelayS, tolerance = SameStepTolerance * Math.Abs(delayS);
        _lastDelayS = delayS;
        if (double.IsNaN(step))
        {
            for (int j = 0; j < r.Length; j++) (_sin[j], _cos[j]) = Math.SinCos(_omega * ((r[j] - 1.0) * delayS));
            return;
        }
        if (!(Math.Abs(step - _stepS) <= tolerance))
        {
            for (int j = 0; j < r.Length; j++) (_stepSin[j], _stepCos[j]) = Math.SinCos(_omega * ((r[j] - 1.0) * step));
            _stepS = step;
        }
        for (int j = 0; j < r.Length; j++)
        {
            double c = _cos[j], s = _sin[j];
            _cos[j] = c * _stepCos[j] - s * _stepSin[j];
            _sin[j] = s * _stepCos[j] + c * _stepSin[j];
        }
    }

    /// <summary>The Fejér factors F_L(ω_j) and their ω-derivatives for averaging width L (double angles when L doubles).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void SetAveraging(int frames)
    {
        var r = _spread.Ratios;
        if (frames <= 1 || _frameTimeS <= 0.0)
        {
            for (int j = 0; j < r.Length; j++) (_f[j], _df[j], _d2f[j]) = (1.0, 0.0, 0.0);
            return;
        }
        bool doubled = _frames > 1 && frames == 2 * _frames;
        for (int j = 0; j < r.Length; j++)
        {
            double a = 0.5 * _omega * r[j] * _frameTimeS;
            // sin a_j and cos a_j do not depend on L: set by the first width above 1 since construction or Retune.
            if (_frames <= 1) (_sinA[j], _cosA[j]) = Math.SinCos(a);
            if (doubled)
            {
                double c = _cosLa[j], s = _sinLa[j];
                _cosLa[j] = (c - s) * (c + s);
                _sinLa[j] = 2.0 * s * c;
            }
            else (_sinLa[j], _cosLa[j]) = Math.SinCos(frames * a);
            _f[j] = HeterodyneModel.FejerFactor(frames, _frameTimeS, _sinA[j], _cosA[j], _sinLa[j], _cosLa[j], out _df[j], out _d2f[j]);
        }
    }
}
