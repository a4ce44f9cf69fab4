using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The contract's definition (DATA_CONTRACT §3) written as plainly as possible: a double loop over pixels and
/// binned frames, nothing shared with the production correlator except the lag ladder rule.
/// </summary>
public static class MultiTauReference
{
    public static (double[] G2, double[] Err, int[] LagFrames) Compute(QMap map, double[] frames, int n, int d)
    {
        int pixels = map.PixelCount;
        var lags = new List<(int Level, int K)>();
        for (int k = 1; k <= 2 * d && n - k >= 1; k++) lags.Add((0, k));
        for (int l = 1; ; l++)
        {
            int m = n >> l;
            bool any = false;
            for (int k = d + 1; k <= 2 * d && m - k >= 1; k++) { lags.Add((l, k)); any = true; }
            if (!any) break;
        }
        int nTau = lags.Count, nDyn = map.DynamicBinCount, spd = map.Spec.StaticPerDynamic;
        var g2 = new double[nTau * nDyn];
        var err = new double[nTau * nDyn];
        for (int i = 0; i < nTau; i++)
        {
            var (l, k) = lags[i];
            int m = n >> l;
            int pairs = m - k;
            var perPixel = new (double G2, double Ip, double If)[pixels];
            for (int p = 0; p < pixels; p++)
            {
                if (map.DynamicBinOfPixel[p] < 0) continue;
                var b = new double[m];
                for (int s = 0; s < m; s++)
                for (int j = 0; j < (1 << l); j++) b[s] += frames[(s * (1 << l) + j) * pixels + p];
                double g = 0, ip = 0, iff = 0;
                for (int s = 0; s < pairs; s++) { g += b[s] * b[s + k]; ip += b[s]; }
                for (int s = k; s < m; s++) iff += b[s];
                double scale = 1 << l;
                perPixel[p] = (g / pairs / (scale * scale), ip / pairs / scale, iff / pairs / scale);
            }
            for (int bin = 0; bin < nDyn; bin++)
            {
                double sum = 0;
                int used = 0;
                for (int sub = 0; sub < spd; sub++)
                {
                    int s = bin * spd + sub;
                    var members = Enumerable.Range(0, pixels).Where(p => map.StaticBinOfPixel[p] == s).ToList();
                    if (members.Count == 0) continue;
                    double mg = members.Average(p => perPixel[p].G2);
                    double mi = members.Average(p => perPixel[p].Ip);
                    double mf = members.Average(p => perPixel[p].If);
                    if (mi * mf == 0) continue;
                    sum += mg / (mi * mf);
                    used++;
                }
                g2[i * nDyn + bin] = used > 0 ? sum / used : double.NaN;
                var ratios = Enumerable.Range(0, pixels)
                    .Where(p => map.DynamicBinOfPixel[p] == bin && perPixel[p].Ip * perPixel[p].If > 0)
                    .Select(p => perPixel[p].G2 / (perPixel[p].Ip * perPixel[p].If)).ToList();
                if (ratios.Count == 0) { err[i * nDyn + bin] = double.NaN; continue; }
                double mean = ratios.Average();
                double variance = ratios.Sum(r => (r - mean) * (r - mean)) / ratios.Count;
                err[i * nDyn + bin] = Math.Sqrt(variance) / Math.Sqrt(ratios.Count);
            }
        }
        return (g2, err, lags.Select(x => x.K << x.Level).ToArray());
    }
}
