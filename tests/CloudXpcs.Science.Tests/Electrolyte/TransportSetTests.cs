using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Tests.Electrolyte;

public sealed class TransportSetTests
{
    private static TransportTable Table(double[]? c = null, double[]? kappa = null, double[]? d = null, double[]? t = null, double[]? tf = null) =>
        new(c ?? [1.0, 2.0, 3.0], kappa ?? [1e-3, 2e-3, 1.5e-3], d ?? [1e-7, 2e-7, 3e-7], t ?? [0.2, 0.3, 0.1], tf ?? [1.0, 1.0, 1.0]);

    private static TransportSet Build(TransportTable table) => TransportSet.FromTable("user", "test", [], 90, table, 134.9, 40.0, 0);

    [Fact]
    public void MonotoneCubicHasNoOvershootBetweenTablePoints()
    {
        var curve = new MonotoneCubicCurve([0, 1, 2, 3, 4], [0, 0, 1, 1, 0.5]);
        for (double c = 0; c <= 4; c += 0.01)
        {
            double v = curve.ValueAt(c);
            int k = Math.Min((int)c, 3);
            double lo = Math.Min(curve.ValueAt(k), curve.ValueAt(k + 1)), hi = Math.Max(curve.ValueAt(k), curve.ValueAt(k + 1));
            Assert.InRange(v, lo - 1e-12, hi + 1e-12);
        }
        Assert.Equal(1.0, curve.ValueAt(2), 12);
    }

    [Fact]
    public void SlopeMatchesFiniteDifference()
    {
        var curve = BuiltInTransportSets.Pnb().CationTransference;
        for (double c = 900; c < 2700; c += 37)
        {
            double numeric = (curve.ValueAt(c + 1e-4) - curve.ValueAt(c - 1e-4)) / 2e-4;
            curve.Evaluate(c, out double slope);
            Assert.Equal(numeric, slope, 1e-7);
        }
    }

    [Fact]
    public void OneRowTableIsConstantEverywhereAndOutsideTableIsClamped()
    {
        var constant = Build(TransportTable.Constant(1.87, 9e-4, 1e-7, 0.2));
        Assert.Equal(0.09, constant.ConductivitySPerM.ValueAt(10), 12);
        Assert.Equal(0.09, constant.ConductivitySPerM.ValueAt(5000), 12);
        Assert.True(constant.ConductivitySPerM.Covers(5000));
        var set = Build(Table());
        Assert.Equal(0.1, set.ConductivitySPerM.ValueAt(100), 12);
        Assert.False(set.ConductivitySPerM.Covers(100));
        Assert.Equal(1000, set.MinConcentrationMolPerM3);
    }

    [Fact]
    public void InvalidTablesAreRejectedWithTheProblemNamed()
    {
        Assert.Contains("increase", Assert.Throws<ArgumentException>(() => Build(Table(c: [1.0, 3.0, 2.0]))).Message);
        Assert.Contains("kappa", Assert.Throws<ArgumentException>(() => Build(Table(kappa: [1e-3, -1e-3, 1e-3]))).Message);
        Assert.Contains("D", Assert.Throws<ArgumentException>(() => Build(Table(d: [1e-7, 0, 1e-7]))).Message);
        Assert.Contains("tplus0", Assert.Throws<ArgumentException>(() => Build(Table(t: [0.2, 1.0, 0.2]))).Message);
        Assert.Contains("'thermo_factor' has 2 values", Assert.Throws<ArgumentException>(() => Build(Table(tf: [1.0, 1.0]))).Message);
        Assert.Contains("'D_cm2_per_s' is missing", Assert.Throws<ArgumentException>(() => Build(Table() with { DiffusivityCm2PerS = null! })).Message);
    }

    [Fact]
    public void BuiltInSetsCarryTheirNumbers()
    {
        var pnb = BuiltInTransportSets.Get("PNB");
        Assert.Equal(9.25e-2, pnb.ConductivitySPerM.ValueAt(1856.4), 10);
        Assert.Equal(-0.376, pnb.CationTransference.ValueAt(2572.4), 10);
        Assert.Equal(7e-4, pnb.InterfacialResistanceOhmM2, 12);
        Assert.Equal(0.2, BuiltInTransportSets.Rs().CationTransference.ValueAt(1500), 12);
        var edman = BuiltInTransportSets.Edman2000();
        Assert.Equal(7.1e-2, edman.ConductivitySPerM.ValueAt(1876), 3);
        Assert.Equal(0.446, edman.CationTransference.ValueAt(1876), 3);
        Assert.Equal(4.05e-12, edman.DiffusivityM2PerS.ValueAt(1876), 14);
        Assert.Throws<ArgumentException>(() => BuiltInTransportSets.Get("nope"));
        Assert.Contains(pnb.Caveats, c => c.Contains("T_f = 1"));
    }
}
