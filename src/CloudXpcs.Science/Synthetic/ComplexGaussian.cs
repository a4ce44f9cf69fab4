using System.Numerics;

namespace CloudXpcs.Science.Synthetic;

/// <summary>Circular complex Gaussian numbers CN(0, 1): E|z|² = 1, E z² = 0.</summary>
public static class ComplexGaussian
{
    /// <summary>Exact: |z|² is Exp(1) and the phase is uniform, so z = sqrt(−ln u₁)·e^{2πi u₂}.</summary>
    public static Complex Sample(Random rng)
    {
        double radius = Math.Sqrt(-Math.Log(1.0 - rng.NextDouble()));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * rng.NextDouble());
        return new Complex(radius * cos, radius * sin);
    }
}
