using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>
/// Notes §3.3: at steady state J₋ = 0, so dc/dx = −(1 − t₊⁰)i/(F D f); i_ss and c(0) follow from salt conservation
/// and the voltage integral. Integrated here independently of the solver (RK4 in x, nested bisection).
/// </summary>
internal sealed class SteadyStateReference
{
    private const int Steps = 800;
    private readonly double[] _c;
    private readonly double _length;

    private SteadyStateReference(double current, double[] profile, double length)
    {
        CurrentAPerM2 = current; _c = profile; _length = length;
    }

    public double CurrentAPerM2 { get; }

    public double ConcentrationAt(double x)
    {
        double s = Math.Clamp(x / _length * Steps, 0, Steps);
        int k = Math.Min((int)s, Steps - 1);
        return _c[k] + (s - k) * (_c[k + 1] - _c[k]);
    }

    // Illinois (modified regula falsi) on a bracketing interval.
    private static double Root(Func<double, double> f, double lo, double hi)
    {
        double flo = f(lo), fhi = f(hi);
        if (Math.Sign(flo) == Math.Sign(fhi)) throw new InvalidOperationException("root not bracketed");
        int side = 0;
        for (int it = 0; it < 200; it++)
        {
            double x = (lo * fhi - hi * flo) / (fhi - flo), fx = f(x);
            if (Math.Sign(fx) == Math.Sign(flo)) { lo = x; flo = fx; if (side == -1) fhi *= 0.5; side = -1; }
            else { hi = x; fhi = fx; if (side == 1) flo *= 0.5; side = 1; }
            if (hi - lo <= 1e-14 * Math.Abs(hi) || fx == 0) return x;
        }
        return 0.5 * (lo + hi);
    }

    public static SteadyStateReference Solve(TransportSet set, double length, double voltage, double mean, double temperature)
    {
        double twoRtOverF = 2 * AnalyticReferences.R * temperature / AnalyticReferences.F;
        double v = set.SaltPartialMolarVolumeM3PerMol;
        double Slope(double c, double i) =>
            -(1 - set.CationTransference.ValueAt(c)) * (1 - c * v) * i / (AnalyticReferences.F * set.DiffusivityM2PerS.ValueAt(c));
        double OverpotentialDensity(double c) =>
            twoRtOverF * (1 - set.CationTransference.ValueAt(c)) * set.ThermodynamicFactor.ValueAt(c) / (c * (1 - c * v));

        // Returns salt per area and the voltage for start concentration c0 and current i; fills the profile.
        (double salt, double volts) Shoot(double c0, double i, double[] profile)
        {
            double h = length / Steps, c = c0, salt = 0, ohmic = 0, concentration = 0;
            profile[0] = c;
            for (int k = 0; k < Steps; k++)
            {
                double k1 = Slope(c, i), k2 = Slope(c + 0.5 * h * k1, i), k3 = Slope(c + 0.5 * h * k2, i), k4 = Slope(c + h * k3, i);
                double next = c + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
                double mid = c + 0.5 * h * k2;
                // Simpson on each step for ∫c dx, ∫dx/κ and ∫g(c)(−dc/dx)dx.
                salt += h / 6 * (c + 4 * mid + next);
                ohmic += h / 6 * (1 / set.ConductivitySPerM.ValueAt(c) + 4 / set.ConductivitySPerM.ValueAt(mid) + 1 / set.ConductivitySPerM.ValueAt(next));
                concentration -= h / 6 * (OverpotentialDensity(c) * k1 + 4 * OverpotentialDensity(mid) * Slope(mid, i) + OverpotentialDensity(next) * Slope(next, i));
                c = next;
                profile[k + 1] = c;
            }
            return (salt, i * (ohmic + set.InterfacialResistanceOhmM2) + concentration);
        }

        var profile = new double[Steps + 1];
        double VoltageAt(double i)
        {
            double c0 = Root(c => Shoot(c, i, profile).salt - mean * length, mean, 3 * mean);
            return Shoot(c0, i, profile).volts;
        }
        double current = Root(i => VoltageAt(i) - voltage, 1e-9, voltage / (set.InterfacialResistanceOhmM2 + length / set.ConductivitySPerM.ValueAt(mean)));
        VoltageAt(current);
        return new SteadyStateReference(current, profile, length);
    }
}
