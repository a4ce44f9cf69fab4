using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Per-pixel quantities of a simulated series (row-major): the mean count rate μ_p (the scattering profile at the
/// pixel's q, scaled so that the mean over all detector pixels is the requested rate) and the heterodyne angular
/// frequency ω_p = q_p·v·cos χ_p, χ_p = φ_p − flow axis. Shared by the simulator and the analytic bin model.
/// </summary>
public sealed class HeterodynePixelMap
{
    private HeterodynePixelMap(double[] meanCounts, double[] omega, double[] omegaEnd)
    {
        MeanCountsPerFrame = meanCounts;
        OmegaRadPerS = omega;
        OmegaEndRadPerS = omegaEnd;
    }

    public double[] MeanCountsPerFrame { get; }
    public double[] OmegaRadPerS { get; }
    /// <summary>ω_p at the last frame (<see cref="HeterodyneSeriesSpec.SpeedEndAPerS"/>); equal to <see cref="OmegaRadPerS"/> without a ramp.</summary>
    public double[] OmegaEndRadPerS { get; }

    public static HeterodynePixelMap Create(HeterodyneSeriesSpec spec)
    {
        var g = spec.Geometry;
        int n = g.PixelCount;
        var mean = new double[n];
        var omega = new double[n];
        var omegaEnd = new double[n];
        double speedEnd = spec.SpeedEndAPerS ?? spec.SpeedAPerS;
        double sum = 0;
        for (int row = 0; row < g.Rows; row++)
        {
            for (int col = 0; col < g.Cols; col++)
            {
                int p = row * g.Cols + col;
                double q = g.QInvA(row, col);
                double chiRad = QMap.WrapChiDeg(g.PhiDeg(row, col) - spec.FlowAxisDeg) * (Math.PI / 180.0);
                omega[p] = q * spec.SpeedAPerS * Math.Cos(chiRad);
                omegaEnd[p] = q * speedEnd * Math.Cos(chiRad);
                mean[p] = spec.Scattering.RelativeIntensity(q);
                sum += mean[p];
            }
        }
        double scale = spec.MeanCountsPerPixelPerFrame * n / sum;
        for (int p = 0; p < n; p++) mean[p] *= scale;
        return new HeterodynePixelMap(mean, omega, omegaEnd);
    }
}
