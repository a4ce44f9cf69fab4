namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// The anion velocity in the lab frame and in the solvent frame from the measured EO (polymer) velocity (the study's Eq. 3
/// and Eq. 4): with no net volume flow, V_EO·c_EO·v_EO + V_LiTFSI·c_LiTFSI·v_TFSI = 0 (Li⁺ moves with its anion in
/// the volume balance), so v_TFSI,lab = −ε·v_EO with ε = V_EO·c_EO/(V_LiTFSI·c_LiTFSI) = V_EO/(r·V_LiTFSI), and the
/// solvent-frame anion velocity (what the continuum model predicts) is v_TFSI,lab − v_EO = (1/ε + 1)·v_TFSI,lab.
/// Velocities are signed; pass a speed (|v_EO|) to get the anion speeds, which point opposite to the EO motion.
/// </summary>
public sealed record AnionVelocityFrames(double Epsilon, double VEoLabAPerS, double VTfsiLabAPerS, double VTfsiSolventFrameAPerS)
{
    public static AnionVelocityFrames FromEoVelocity(double vEoLabAPerS, double r, PartialMolarVolumes? volumes = null)
    {
        if (!double.IsFinite(vEoLabAPerS))
            throw new ArgumentOutOfRangeException(nameof(vEoLabAPerS), vEoLabAPerS, "EO velocity must be finite");
        double epsilon = (volumes ?? PartialMolarVolumes.Study).Epsilon(r);
        double vTfsiLab = -epsilon * vEoLabAPerS;
        return new AnionVelocityFrames(epsilon, vEoLabAPerS, vTfsiLab, (1.0 / epsilon + 1.0) * vTfsiLab);
    }

    public static AnionVelocityFrames FromEoVelocityAtConcentration(double vEoLabAPerS, double concentrationM, PartialMolarVolumes? volumes = null)
    {
        var v = volumes ?? PartialMolarVolumes.Study;
        return FromEoVelocity(vEoLabAPerS, v.RFromConcentration(concentrationM), v);
    }
}
