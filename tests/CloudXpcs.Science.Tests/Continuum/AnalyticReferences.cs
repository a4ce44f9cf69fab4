namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>Closed-form references of CONTINUUM_MODEL_NOTES §3 (constant properties, no convection), SI units.</summary>
internal static class AnalyticReferences
{
    public const double F = 96485.33212;
    public const double R = 8.314462618;

    /// <summary>§3.1: galvanostatic concentration profile, x from the stripping electrode.</summary>
    public static double GalvanostaticConcentration(double x, double t, double length, double diffusivity, double anionTransference,
                                                    double current, double meanConcentration)
    {
        double amplitude = anionTransference * current * length / (F * diffusivity);
        double sum = 0;
        for (int n = 1; n < 40001; n += 2)
        {
            double k = n * Math.PI / length;
            double decay = Math.Exp(-k * k * diffusivity * t);
            if (decay < 1e-18 && n > 1) break;
            sum += 4 / (n * n * Math.PI * Math.PI) * Math.Cos(k * x) * decay;
        }
        return meanConcentration + amplitude * (0.5 - x / length - sum);
    }

    /// <summary>§3.1 averaged over the cell [x0, x1] (what a finite-volume unknown represents).</summary>
    public static double GalvanostaticCellAverage(double x0, double x1, double t, double length, double diffusivity,
                                                  double anionTransference, double current, double meanConcentration)
    {
        double amplitude = anionTransference * current * length / (F * diffusivity);
        double sum = 0;
        for (int n = 1; n < 400001; n += 2)
        {
            double k = n * Math.PI / length;
            double decay = Math.Exp(-k * k * diffusivity * t);
            if (decay < 1e-18 && n > 1) break;
            sum += 4 / (n * n * Math.PI * Math.PI) * (Math.Sin(k * x1) - Math.Sin(k * x0)) / k * decay;
        }
        double linear = 0.5 - 0.5 * (x0 + x1) / length;
        return meanConcentration + amplitude * (linear - sum / (x1 - x0));
    }

    /// <summary>§3.2: linearised constant-voltage current i(t).</summary>
    public static double LinearisedConstantVoltageCurrent(double t, double voltage, double length, double conductivity,
                                                          double interfacialResistance, double diffusivity, double anionTransference,
                                                          double thermoFactor, double meanConcentration, double temperature)
    {
        double rt = R * temperature;
        double beta = 2 * rt * thermoFactor * anionTransference / (F * meanConcentration);
        double ohmic = length / conductivity + interfacialResistance;
        double diffusion = 2 * rt * thermoFactor * anionTransference * anionTransference * length / (F * F * diffusivity * meanConcentration);
        double gamma = diffusion / ohmic;
        double iss = voltage / (ohmic + diffusion);
        double sum = 0;
        for (int n = 1; n < 100000; n++)
        {
            double theta = EigenValue(n, gamma);
            double decay = Math.Exp(-4 * diffusivity * theta * theta * t / (length * length));
            if (decay < 1e-17) break;
            double lambda = 2 * theta / length;
            double a = anionTransference * iss / (F * diffusivity) * 2
                       * (Math.Sin(theta) / (lambda * lambda) - 0.5 * length * Math.Cos(theta) / lambda)
                       / (0.5 * length - Math.Sin(2 * theta) / (2 * lambda));
            sum += a * Math.Sin(theta) * decay;
        }
        return iss + 2 * beta / ohmic * sum;
    }

    // Root of θ cot θ = −γ in ((n − ½)π, nπ) by bisection on θ cos θ + γ sin θ.
    private static double EigenValue(int n, double gamma)
    {
        double lo = (n - 0.5) * Math.PI, hi = n * Math.PI;
        double F(double th) => th * Math.Cos(th) + gamma * Math.Sin(th);
        double flo = F(lo);
        for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++)
        {
            double mid = 0.5 * (lo + hi), fm = F(mid);
            if (Math.Sign(fm) == Math.Sign(flo)) { lo = mid; flo = fm; } else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
