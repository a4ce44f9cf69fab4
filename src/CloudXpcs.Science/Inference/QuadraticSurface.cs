using MathNet.Numerics.LinearAlgebra;

namespace CloudXpcs.Science.Inference;

/// <summary>
/// χ²(a, b) ≈ χ²₀ + ½ΔᵀHΔ around its vertex (A, B), least squares through the lowest evaluated points of the linear model.
/// <see cref="InverseAA"/> and <see cref="InverseBB"/> are the diagonal of H⁻¹ (profile half-width² = 2Δχ²·(H⁻¹)ᵢᵢ).
/// </summary>
internal sealed record QuadraticSurface(double A, double B, double Haa, double Hab, double Hbb)
{
    private const int Points = 20;

    public double InverseAA => Hbb / (Haa * Hbb - Hab * Hab);
    public double InverseBB => Haa / (Haa * Hbb - Hab * Hab);

    /// <summary>The fit, or null when there are too few points or the surface is not convex.</summary>
    public static QuadraticSurface? Fit(IReadOnlyList<CandidateMisfit> linear, double stepA, double stepB)
    {
        var lowest = linear.OrderBy(m => m.Misfit!.Chi2).Take(Points).ToArray();
        if (lowest.Length < 8) return null;
        double a0 = lowest[0].Candidate.Tplus0AtRef, b0 = lowest[0].Candidate.SlopePerM;
        // Scaled coordinates (grid steps) keep the design well conditioned.
        var design = Matrix<double>.Build.Dense(lowest.Length, 6, (i, j) =>
        {
            double u = (lowest[i].Candidate.Tplus0AtRef - a0) / stepA, w = (lowest[i].Candidate.SlopePerM - b0) / stepB;
            return j switch { 0 => 1, 1 => u, 2 => w, 3 => u * u, 4 => u * w, _ => w * w };
        });
        if (design.Rank() < 6) return null;
        var c = design.QR().Solve(Vector<double>.Build.DenseOfArray(lowest.Select(m => m.Misfit!.Chi2).ToArray()));
        double huu = 2 * c[3], huw = c[4], hww = 2 * c[5];
        double det = huu * hww - huw * huw;
        if (!(huu > 0 && hww > 0 && det > 0)) return null;
        double du = -(hww * c[1] - huw * c[2]) / det, dw = -(huu * c[2] - huw * c[1]) / det;
        // A vertex far beyond the points is an extrapolation: stay at the best point then.
        double spanU = lowest.Max(m => Math.Abs(m.Candidate.Tplus0AtRef - a0)) / stepA + 1;
        double spanW = lowest.Max(m => Math.Abs(m.Candidate.SlopePerM - b0)) / stepB + 1;
        if (Math.Abs(du) > 2 * spanU || Math.Abs(dw) > 2 * spanW) { du = 0; dw = 0; }
        return new QuadraticSurface(a0 + du * stepA, b0 + dw * stepB, huu / (stepA * stepA), huw / (stepA * stepB), hww / (stepB * stepB));
    }
}
