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

    /// <summary>
    /// The exact relation of the continuum model (CONTINUUM_MODEL_NOTES §1): the lab-frame EO velocity is v₀ + v_int,
    /// where v_int = −i·V̄_Li/F is the motion of the Li/electrolyte interfaces, and v₋/v₀ = −ε holds in the interface
    /// frame at the local concentration. So v₀ = v_EO,lab − v_int, v_TFSI,lab = −ε·v₀ + v_int and the solvent-frame
    /// anion velocity is −(1 + ε)·v₀. All velocities signed along one axis (the one <paramref name="interfaceVelocityAPerS"/>
    /// is given on); <see cref="VEoLabAPerS"/> keeps the given lab velocity.
    /// </summary>
    /// <param name="localConcentrationM">Salt concentration where and when the EO velocity was measured.</param>
    /// <param name="interfaceVelocityAPerS">v_int on the same axis, from <see cref="InterfaceVelocityAPerS"/>.</param>
    public static AnionVelocityFrames FromLabEoVelocity(double vEoLabAPerS, double localConcentrationM, double interfaceVelocityAPerS,
        PartialMolarVolumes? volumes = null)
    {
        if (!double.IsFinite(vEoLabAPerS) || !double.IsFinite(interfaceVelocityAPerS))
            throw new ArgumentOutOfRangeException(nameof(vEoLabAPerS), vEoLabAPerS, "EO and interface velocities must be finite");
        var v = volumes ?? PartialMolarVolumes.Study;
        double epsilon = v.Epsilon(v.RFromConcentration(localConcentrationM));
        double solvent = vEoLabAPerS - interfaceVelocityAPerS;
        return new AnionVelocityFrames(epsilon, vEoLabAPerS, -epsilon * solvent + interfaceVelocityAPerS, -(1.0 + epsilon) * solvent);
    }

    /// <summary>Li/electrolyte interface velocity −i·V̄_Li/F (Å/s) along the direction of positive current density i (A/m²).</summary>
    public static double InterfaceVelocityAPerS(double currentDensityAPerM2, double liMolarVolumeM3PerMol = LiMolarVolumeM3PerMol) =>
        -currentDensityAPerM2 * liMolarVolumeM3PerMol / Faraday.CPerMol * 1e10;

    /// <summary>Molar volume of Li metal (cm³/mol 13.0), the continuum model's default.</summary>
    public const double LiMolarVolumeM3PerMol = 13.0e-6;

    public static AnionVelocityFrames FromEoVelocityAtConcentration(double vEoLabAPerS, double concentrationM, PartialMolarVolumes? volumes = null)
    {
        var v = volumes ?? PartialMolarVolumes.Study;
        return FromEoVelocity(vEoLabAPerS, v.RFromConcentration(concentrationM), v);
    }
}
