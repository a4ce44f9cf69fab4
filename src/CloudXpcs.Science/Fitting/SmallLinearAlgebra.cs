namespace CloudXpcs.Science.Fitting;

/// <summary>Dense symmetric solves for the few-parameter normal equations of the fitters (no allocation).</summary>
internal static class SmallLinearAlgebra
{
    /// <summary>Solves the symmetric 3×3 system [[a00,a01,a02],[a01,a11,a12],[a02,a12,a22]]·x = b by Cramer's rule.</summary>
    public static bool Solve3(double a00, double a01, double a02, double a11, double a12, double a22,
        double b0, double b1, double b2, Span<double> x)
    {
        double c00 = a11 * a22 - a12 * a12;
        double c01 = a02 * a12 - a01 * a22;
        double c02 = a01 * a12 - a02 * a11;
        double det = a00 * c00 + a01 * c01 + a02 * c02;
        double scale = Math.Abs(a00 * a11 * a22);
        if (!(Math.Abs(det) > 1e-14 * scale) || !double.IsFinite(det)) return false;
        double c11 = a00 * a22 - a02 * a02;
        double c12 = a01 * a02 - a00 * a12;
        double c22 = a00 * a11 - a01 * a01;
        x[0] = (c00 * b0 + c01 * b1 + c02 * b2) / det;
        x[1] = (c01 * b0 + c11 * b1 + c12 * b2) / det;
        x[2] = (c02 * b0 + c12 * b1 + c22 * b2) / det;
        return true;
    }

    /// <summary>
    /// In-place Cholesky factorisation of the symmetric positive definite n×n matrix a (row-major, lower triangle used).
    /// Returns false when a is not positive definite.
    /// </summary>
    public static bool Cholesky(Span<double> a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0) || !double.IsFinite(d)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / d;
            }
        }
        return true;
    }

    /// <summary>Solves L·Lᵀ·x = b in place for a factor from <see cref="Cholesky"/>.</summary>
    public static void CholeskySolve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * b[k];
            b[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
            b[i] = s / l[i * n + i];
        }
    }

    /// <summary>Inverse of an SPD matrix from its Cholesky factor, written into inverse (n×n).</summary>
    public static void CholeskyInverse(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        Span<double> col = stackalloc double[n];
        for (int j = 0; j < n; j++)
        {
            col.Clear();
            col[j] = 1.0;
            CholeskySolve(l, n, col);
            for (int i = 0; i < n; i++) inverse[i * n + j] = col[i];
        }
    }

    /// <summary>Removes parameter i from a linear step: unit diagonal, zero coupling and zero right-hand side.</summary>
    public static void HoldParameter(Span<double> matrix, Span<double> rhs, int n, int i)
    {
        for (int k = 0; k < n; k++) { matrix[i * n + k] = 0; matrix[k * n + i] = 0; }
        matrix[i * n + i] = 1.0;
        rhs[i] = 0.0;
    }
}
