using System.Numerics;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// Two-time correlation per dynamic bin, as the field defines it (boost_corr's TwotimeCorrelator, "sqmap" smoothing):
/// each pixel's intensity is divided by the time-averaged intensity of its static bin, S_s = mean over the N correlator
/// frames and the static bin's pixels (1 where that is 0), giving X_p(t); then
/// C(t1, t2) = P · Σ_p X_p(t1) X_p(t2) / (Σ_p X_p(t1) · Σ_p X_p(t2)) over the bin's P pixels (a row sum ≤ 0 counts as 1).
/// boost_corr divides by the static bin's mean of each frame instead of its time average; within one static bin the
/// two agree exactly (the factor cancels), across static bins of one dynamic bin the time average keeps the weights fixed.
/// <para>Frames are kept per processed bin (frame-major) until <see cref="ComputeBin"/>, which forms the frame products
/// in float64 as one symmetric matrix product X·Xᵀ per bin (<see cref="FrameProducts"/>). The cache holds the sums of
/// the averaged raw frames in float32 when every such sum is an integer below 2²⁴ (frames of counts of at most
/// <c>rawValueBits</c> bits; float32 holds them exactly, so the maps are those of a float64 cache), float64 otherwise.
/// Static bins are nested in dynamic bins (static = dynamic · static_per_dynamic + sub-bin), so a processed bin holds
/// all pixels of its static bins.</para>
/// </summary>
public sealed class TwoTimeCorrelator
{
    private readonly TwoTimeOptions _options;
    private readonly int[] _bins;
    private readonly int[][] _pixels;
    private readonly int[][] _staticOfPixel;
    private readonly double[][]? _sums;
    private readonly float[][]? _singleSums;
    private readonly int _rawValueBits;
    private double[]? _frameWork;
    private double[]? _productWork;
    private readonly long _rawUsed;
    private readonly int _detectorPixels;
    private long _rawSeen;

    /// <param name="rawValueBits">The frames are unsigned counts of at most this many bits (16 for uint16 frames; byte or
    /// ushort values then), which lets the cache be float32 (<see cref="CacheIsSingle"/>); 0: any values, a float64 cache.</param>
    public TwoTimeCorrelator(QMap map, long rawFrames, TwoTimeOptions? options = null, int rawValueBits = 0)
    {
        ArgumentNullException.ThrowIfNull(map);
        _options = options ?? new TwoTimeOptions();
        _options.Validate();
        long n = _options.CorrelatorFrames(rawFrames);
        if (n < 2)
            throw new ArgumentException($"{rawFrames} frames at stride {_options.StrideFrames} x avg {_options.AverageFrames} give {n} correlator frames; two-time needs at least 2");
        if (n > 65_536) throw new ArgumentException($"{n} correlator frames: a two-time map of that size is not supported (use stride/avg)");
        Frames = (int)n;
        _rawUsed = n * _options.StrideFrames * _options.AverageFrames;
        _detectorPixels = map.PixelCount;
        _bins = SelectBins(map, _options.Bins);
        var slot = new int[map.DynamicBinCount];
        Array.Fill(slot, -1);
        for (int k = 0; k < _bins.Length; k++) slot[_bins[k]] = k;
        var pixels = _bins.Select(_ => new List<int>()).ToArray();
        for (int p = 0; p < map.PixelCount; p++)
        {
            int b = map.DynamicBinOfPixel[p];
            if (b >= 0 && slot[b] >= 0) pixels[slot[b]].Add(p);
        }
        _pixels = pixels.Select(l => l.ToArray()).ToArray();
        _staticOfPixel = _pixels.Select(ps => ps.Select(p => map.StaticBinOfPixel[p]).ToArray()).ToArray();
        _rawValueBits = rawValueBits;
        if (CacheIsSingle(rawValueBits, _options.AverageFrames))
            _singleSums = _pixels.Select(ps => new float[(long)Frames * ps.Length]).ToArray();
        else
            _sums = _pixels.Select(ps => new double[(long)Frames * ps.Length]).ToArray();
        Map = map;
    }

    public QMap Map { get; }
    public TwoTimeOptions Options => _options;
    /// <summary>N, the correlator frames.</summary>
    public int Frames { get; }
    /// <summary>The processed dynamic bins (0-based q-map bins), increasing.</summary>
    public IReadOnlyList<int> Bins => _bins;
    public int PixelsOfBin(int index) => _pixels[index].Length;
    public bool Complete => _rawSeen >= _rawUsed;

    public TwoTimeCost Cost(int threads = 1, long multiTauBytes = 0) =>
        TwoTimeCost.Of(Frames, _pixels.Select(p => p.Length).ToArray(), threads, CacheBytesPerValue(_rawValueBits, _options.AverageFrames), multiTauBytes);

    /// <summary>Whether the sums of <paramref name="averageFrames"/> counts of <paramref name="rawValueBits"/> bits are all exact in float32.</summary>
    public static bool CacheIsSingle(int rawValueBits, int averageFrames) =>
        rawValueBits is > 0 and <= 16 && ((1L << rawValueBits) - 1) * averageFrames <= 1L << 24;

    /// <summary>Bytes per cached value: 4 when <see cref="CacheIsSingle"/>, else 8.</summary>
    public static int CacheBytesPerValue(int rawValueBits, int averageFrames) =>
        CacheIsSingle(rawValueBits, averageFrames) ? sizeof(float) : sizeof(double);

    /// <summary>The dynamic bins a selection names, checked against the q-map; null selects every populated bin.</summary>
    public static int[] SelectBins(QMap map, IReadOnlyList<int>? selection)
    {
        if (selection is null)
            return Enumerable.Range(0, map.DynamicBinCount).Where(b => map.DynamicPixelCounts[b] > 0).ToArray();
        var bins = selection.Distinct().Order().ToArray();
        foreach (int b in bins)
        {
            if (b < 0 || b >= map.DynamicBinCount)
                throw new ArgumentException($"two-time bin {b} is outside the q-map's {map.DynamicBinCount} dynamic bins");
            if (map.DynamicPixelCounts[b] == 0) throw new ArgumentException($"two-time bin {b} has no pixels");
        }
        if (bins.Length == 0) throw new ArgumentException("no two-time bins selected");
        return bins;
    }

    /// <summary>Raw frames in time order, frame-major over the whole detector; frames past the N used are ignored.</summary>
    public void AddFrames<T>(ReadOnlySpan<T> frames) where T : unmanaged, INumber<T>
    {
        if (frames.Length % _detectorPixels != 0)
            throw new ArgumentException($"{frames.Length} values are not whole frames of {_detectorPixels} pixels", nameof(frames));
        int count = frames.Length / _detectorPixels;
        if (_singleSums is not null && !(typeof(T) == typeof(ushort) && _rawValueBits >= 16 || typeof(T) == typeof(byte) && _rawValueBits >= 8))
            throw new ArgumentException($"{typeof(T).Name} frames given to a two-time correlator of {_rawValueBits}-bit counts", nameof(frames));
        int stride = _options.StrideFrames, avg = _options.AverageFrames;
        for (int f = 0; f < count; f++, _rawSeen++)
        {
            if (_rawSeen >= _rawUsed || _rawSeen % stride != 0) continue;
            long row = _rawSeen / stride / avg;
            var frame = frames.Slice(f * _detectorPixels, _detectorPixels);
            for (int k = 0; k < _bins.Length; k++)
            {
                var pixels = _pixels[k];
                if (_singleSums is not null) Accumulate(frame, pixels, _singleSums[k].AsSpan((int)(row * pixels.Length), pixels.Length));
                else Accumulate(frame, pixels, _sums![k].AsSpan((int)(row * pixels.Length), pixels.Length));
            }
        }
    }

    private static void Accumulate<T, TCache>(ReadOnlySpan<T> frame, int[] pixels, Span<TCache> target)
        where T : unmanaged, INumber<T> where TCache : unmanaged, INumber<TCache>
    {
        for (int j = 0; j < pixels.Length; j++) target[j] += TCache.CreateTruncating(frame[pixels[j]]);
    }

    /// <summary>The two-time map of processed bin <paramref name="index"/> (into <see cref="Bins"/>); all frames must be in.</summary>
    public TwoTimeBinMap ComputeBin(int index)
    {
        if (!Complete) throw new InvalidOperationException($"two-time needs {_rawUsed} raw frames, {_rawSeen} were added");
        int n = Frames, p = _pixels[index].Length;
        int paddedFrames = Pad(n), paddedPixels = Pad(p);
        // One X buffer (the largest bin's) serves bin after bin; the products go straight into the map when no frame
        // padding is needed. Both are stated in TwoTimeCost.WorkBytes.
        var x = _frameWork ??= new double[(long)paddedFrames * Pad(_pixels.Max(ps => ps.Length))];
        if (_singleSums is not null) NormalizedFrames<float>(index, _singleSums[index], paddedPixels, x);
        else NormalizedFrames<double>(index, _sums![index], paddedPixels, x);
        var rowSums = new double[n];
        for (int t = 0; t < n; t++)
        {
            double s = 0;
            var row = x.AsSpan(t * paddedPixels, p);
            for (int j = 0; j < p; j++) s += row[j];
            rowSums[t] = s > 0 ? s : 1.0;
        }
        var c2 = new double[(long)n * n];
        double[] products = paddedFrames == n ? c2 : _productWork ??= new double[(long)paddedFrames * paddedFrames];
        FrameProducts.Gram(x, paddedFrames, paddedPixels, products);
        for (int t1 = 0; t1 < n; t1++)
        {
            double scale = p / rowSums[t1];
            var source = products.AsSpan(t1 * paddedFrames, n);
            var row = c2.AsSpan(t1 * n, n);
            for (int t2 = 0; t2 < n; t2++) row[t2] = source[t2] * scale / rowSums[t2];
        }
        var g2 = TwoTimeBinMap.DiagonalMeans(c2, n, 0, n, n);
        int segments = Math.Min(_options.Segments, n);
        int length = n / segments;
        var g2Segments = new double[segments * length];
        for (int s = 0; s < segments; s++)
            TwoTimeBinMap.DiagonalMeans(c2, n, s * length, (s + 1) * length, length).CopyTo(g2Segments, s * length);
        return new TwoTimeBinMap(_bins[index], p, n, c2, g2, segments, g2Segments);
    }

    /// <summary>Every processed bin's map, computed one at a time as enumerated.</summary>
    public IEnumerable<TwoTimeBinMap> ComputeBins()
    {
        for (int k = 0; k < _bins.Length; k++) yield return ComputeBin(k);
        _frameWork = null;
        _productWork = null;
    }

    private static int Pad(int count) => (count + 3) / 4 * 4;

    /// <summary>X_p(t) = I_p(t) / S_s(p), frame-major N × P (rows <paramref name="paddedPixels"/> long, zero-padded), with I_p(t) the mean of the averaged raw frames.</summary>
    private void NormalizedFrames<TCache>(int index, TCache[] sums, int paddedPixels, double[] x) where TCache : unmanaged, INumber<TCache>
    {
        int n = Frames, p = _pixels[index].Length;
        var staticOf = _staticOfPixel[index];
        var staticSum = new Dictionary<int, (double Sum, int Pixels)>();
        for (int j = 0; j < p; j++)
        {
            double pixelSum = 0;
            for (int t = 0; t < n; t++) pixelSum += double.CreateTruncating(sums[(long)t * p + j]);
            staticSum.TryGetValue(staticOf[j], out var acc);
            staticSum[staticOf[j]] = (acc.Sum + pixelSum / ((double)n * _options.AverageFrames), acc.Pixels + 1);
        }
        var weight = new double[p];
        for (int j = 0; j < p; j++)
        {
            var (sum, count) = staticSum[staticOf[j]];
            double mean = sum / count;
            weight[j] = (mean > 0 ? 1.0 / mean : 1.0) / _options.AverageFrames;
        }
        Array.Clear(x, 0, Pad(n) * paddedPixels);
        for (int t = 0; t < n; t++)
            for (int j = 0; j < p; j++) x[(long)t * paddedPixels + j] = double.CreateTruncating(sums[(long)t * p + j]) * weight[j];
    }
}
