using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Tests.Continuum;

internal static class TestSets
{
    /// <summary>Constant properties; V̄ₑ = 0 removes convection so the classical solutions apply.</summary>
    public static TransportSet Constant(double conductivitySPerCm = 9e-4, double diffusivityCm2PerS = 1e-7, double tplus = 0.2,
                                        double thermoFactor = 1, double saltVolumeCm3PerMol = 0, double interfacialOhmCm2 = 0) =>
        TransportSet.FromTable("constant", "test", [], 90,
            TransportTable.Constant(1.87, conductivitySPerCm, diffusivityCm2PerS, tplus, thermoFactor),
            saltVolumeCm3PerMol, 40.0, interfacialOhmCm2);
}
