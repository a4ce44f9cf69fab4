namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Solves [T b; rᵀ d][x; ξ] = [f; g] with T tridiagonal (Thomas algorithm, no pivoting: T is diagonally dominant
/// for the implicit diffusion operator) by block elimination: T y = f, T z = b, ξ = (g − r·y)/(d − r·z), x = y − zξ.
/// </summary>
internal static class BorderedTridiagonal
{
    /// <param name="scratch">At least 3·n doubles.</param>
    public static bool Solve(ReadOnlySpan<double> lower, ReadOnlySpan<double> diag, ReadOnlySpan<double> upper,
                             ReadOnlySpan<double> column, ReadOnlySpan<double> row, double corner,
                             ReadOnlySpan<double> rhs, double rhsScalar, Span<double> x, out double xi, Span<double> scratch)
    {
        int n = diag.Length;
        Span<double> modifiedUpper = scratch[..n];
        Span<double> y = x;
        Span<double> z = scratch.Slice(n, n);
        double pivot = diag[0];
        if (pivot == 0 || !double.IsFinite(pivot)) { xi = double.NaN; return false; }
        modifiedUpper[0] = upper[0] / pivot;
        y[0] = rhs[0] / pivot;
        z[0] = column[0] / pivot;
        for (int j = 1; j < n; j++)
        {
            pivot = diag[j] - lower[j] * modifiedUpper[j - 1];
            if (pivot == 0 || !double.IsFinite(pivot)) { xi = double.NaN; return false; }
            modifiedUpper[j] = j < n - 1 ? upper[j] / pivot : 0;
            y[j] = (rhs[j] - lower[j] * y[j - 1]) / pivot;
            z[j] = (column[j] - lower[j] * z[j - 1]) / pivot;
        }
        for (int j = n - 2; j >= 0; j--)
        {
            y[j] -= modifiedUpper[j] * y[j + 1];
            z[j] -= modifiedUpper[j] * z[j + 1];
        }
        double ry = 0, rz = 0;
        for (int j = 0; j < n; j++) { ry += row[j] * y[j]; rz += row[j] * z[j]; }
        double schur = corner - rz;
        if (schur == 0 || !double.IsFinite(schur)) { xi = double.NaN; return false; }
        xi = (rhsScalar - ry) / schur;
        for (int j = 0; j < n; j++) x[j] = y[j] - z[j] * xi;
        return double.IsFinite(xi);
    }
}
