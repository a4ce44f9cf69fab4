using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// G = X·Xᵀ for a frame-major X (N frames × P pixels, float64): the frame products of one bin. A symmetric rank-P update
/// (SYRK) with a 4 × 4 register block of 256-bit fused multiply-adds over pixel panels that stay in cache, only the
/// blocks on and above the diagonal computed, rows of blocks spread over the cores. On the 2-core benchmark machine
/// (loaded) MathNet's managed provider (TransposeThisAndMultiply) reached 0.26 G multiply-adds/s, this kernel 1.0–1.4,
/// and numpy of the same definition (matmul on OpenBLAS) took as long or longer overall; see bench/twotime.sh.
/// </summary>
internal static class FrameProducts
{
    private const int Block = 4;
    private const int PanelPixels = 256;

    /// <param name="x">Frame-major N × P with N and P multiples of 4 (zero-padded).</param>
    /// <param name="g">Receives G, row-major N × N, symmetric (its first N² values; cleared here).</param>
    public static void Gram(double[] x, int n, int p, double[] g)
    {
        if (n % Block != 0 || p % Block != 0) throw new ArgumentException("frames and pixels must be padded to multiples of 4");
        Array.Clear(g, 0, n * n);
        int blocks = n / Block;
        Parallel.For(0, blocks, new ParallelOptions(), ib =>
        {
            int i = ib * Block;
            for (int k0 = 0; k0 < p; k0 += PanelPixels)
            {
                int k1 = Math.Min(p, k0 + PanelPixels);
                for (int j = i; j < n; j += Block) Kernel(x, g, n, p, i, j, k0, k1);
            }
        });
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) g[(long)b * n + a] = g[(long)a * n + b];
    }

    private static void Kernel(double[] x, double[] g, int n, int p, int i, int j, int k0, int k1)
    {
        var rows = x.AsSpan();
        var a0 = rows.Slice((int)((long)i * p), p); var a1 = rows.Slice((int)((long)(i + 1) * p), p);
        var a2 = rows.Slice((int)((long)(i + 2) * p), p); var a3 = rows.Slice((int)((long)(i + 3) * p), p);
        var b0 = rows.Slice((int)((long)j * p), p); var b1 = rows.Slice((int)((long)(j + 1) * p), p);
        var b2 = rows.Slice((int)((long)(j + 2) * p), p); var b3 = rows.Slice((int)((long)(j + 3) * p), p);
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int k = k0; k < k1; k += 4)
        {
            var va0 = Vector256.Create(a0.Slice(k, 4)); var va1 = Vector256.Create(a1.Slice(k, 4));
            var va2 = Vector256.Create(a2.Slice(k, 4)); var va3 = Vector256.Create(a3.Slice(k, 4));
            var vb0 = Vector256.Create(b0.Slice(k, 4)); var vb1 = Vector256.Create(b1.Slice(k, 4));
            var vb2 = Vector256.Create(b2.Slice(k, 4)); var vb3 = Vector256.Create(b3.Slice(k, 4));
            c00 = Vector256.FusedMultiplyAdd(va0, vb0, c00); c01 = Vector256.FusedMultiplyAdd(va0, vb1, c01);
            c02 = Vector256.FusedMultiplyAdd(va0, vb2, c02); c03 = Vector256.FusedMultiplyAdd(va0, vb3, c03);
            c10 = Vector256.FusedMultiplyAdd(va1, vb0, c10); c11 = Vector256.FusedMultiplyAdd(va1, vb1, c11);
            c12 = Vector256.FusedMultiplyAdd(va1, vb2, c12); c13 = Vector256.FusedMultiplyAdd(va1, vb3, c13);
            c20 = Vector256.FusedMultiplyAdd(va2, vb0, c20); c21 = Vector256.FusedMultiplyAdd(va2, vb1, c21);
            c22 = Vector256.FusedMultiplyAdd(va2, vb2, c22); c23 = Vector256.FusedMultiplyAdd(va2, vb3, c23);
            c30 = Vector256.FusedMultiplyAdd(va3, vb0, c30); c31 = Vector256.FusedMultiplyAdd(va3, vb1, c31);
            c32 = Vector256.FusedMultiplyAdd(va3, vb2, c32); c33 = Vector256.FusedMultiplyAdd(va3, vb3, c33);
        }
        Add(g, n, i, j, c00, c01, c02, c03);
        Add(g, n, i + 1, j, c10, c11, c12, c13);
        Add(g, n, i + 2, j, c20, c21, c22, c23);
        Add(g, n, i + 3, j, c30, c31, c32, c33);
    }

    private static void Add(double[] g, int n, int row, int col, Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3)
    {
        long r = (long)row * n + col;
        g[r] += Vector256.Sum(v0);
        g[r + 1] += Vector256.Sum(v1);
        g[r + 2] += Vector256.Sum(v2);
        g[r + 3] += Vector256.Sum(v3);
    }
}
