using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Tests.Electrolyte;

public class PartialMolarVolumesTests
{
    [Fact]
    public void Study_volumes_in_both_units()
    {
        var v = PartialMolarVolumes.Study;
        Assert.Equal(40.0, v.EoCm3PerMol, 1);
        Assert.Equal(134.9, v.SaltCm3PerMol, 1);
        var back = PartialMolarVolumes.FromCm3PerMol(v.EoCm3PerMol, v.SaltCm3PerMol);
        Assert.Equal(v.EoA3, back.EoA3, 10);
    }

    [Fact]
    public void Epsilon_concentration_and_density_at_r_0_1_match_the_study()
    {
        var v = PartialMolarVolumes.Study;
        Assert.Equal(2.964, v.Epsilon(0.1), 3);
        Assert.Equal(v.Epsilon(0.1) * 0.1 / 0.16, v.Epsilon(0.16), 12); // ε(r) = 2.964·(0.1/r)
        Assert.Equal(1.87, v.ConcentrationM(0.1), 2);
        Assert.Equal(1.87, PartialMolarVolumes.ConcentrationFromDensityM(0.1, 1.365), 1);
        Assert.InRange(v.DensityGPerCm3(0.1), 1.33, 1.40); // Pesko/Villaluenga: 1.365 g/cm³
    }

    [Fact]
    public void R_from_concentration_inverts_concentration()
    {
        var v = PartialMolarVolumes.Study;
        foreach (double r in new[] { 0.0, 0.04, 0.1, 0.16, 0.3 })
            Assert.Equal(r, v.RFromConcentration(v.ConcentrationM(r)), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => v.RFromConcentration(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.RFromConcentration(1000.0 / v.SaltCm3PerMol));
    }

    [Fact]
    public void Anion_velocity_frames_match_the_contract_example()
    {
        // Contract 5.2: speed 34.1 Å/s at r = 0.1 → ε = 2.96, anion 101.0 Å/s in the lab, 135.1 Å/s in the solvent frame.
        var frames = AnionVelocityFrames.FromEoVelocity(34.1, 0.1);
        Assert.Equal(2.96, frames.Epsilon, 2);
        Assert.Equal(-101.0, frames.VTfsiLabAPerS, 0);
        Assert.Equal(-135.1, frames.VTfsiSolventFrameAPerS, 0);
        // The solvent-frame anion velocity is the anion velocity relative to the polymer.
        Assert.Equal(frames.VTfsiLabAPerS - frames.VEoLabAPerS, frames.VTfsiSolventFrameAPerS, 10);
        // No net volume flow: V_EO·c_EO·v_EO + V_salt·c_salt·v_TFSI = 0, with c_EO/c_salt = 1/r.
        var v = PartialMolarVolumes.Study;
        Assert.Equal(0.0, v.EoA3 / 0.1 * frames.VEoLabAPerS + v.SaltA3 * frames.VTfsiLabAPerS, 9);

        var atConcentration = AnionVelocityFrames.FromEoVelocityAtConcentration(34.1, v.ConcentrationM(0.1));
        Assert.Equal(frames.VTfsiLabAPerS, atConcentration.VTfsiLabAPerS, 9);
    }
}
