using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Small, realistic detectors for synthetic beamtimes. 128 pixels of 75 µm span only 9.6 mm (Δq ≈ 0.0066 Å⁻¹ at 8 m),
/// far less than the contract's default q range 0.0029–0.0192 Å⁻¹ (radii 4.2–27.8 mm at 8 m, 10.9 keV), so the
/// reduced detector is the contract's example detector (512×512 × 75 µm, 8 m, 10.9 keV, beam centre row 256, col −40)
/// binned b×b: same area, same q/χ coverage, (512/b)² pixels of b·75 µm.
/// </summary>
public static class ReducedDetector
{
    /// <summary>
    /// The contract's example detector binned <paramref name="binning"/>×<paramref name="binning"/> (default 4: 128×128
    /// pixels of 300 µm). The beam centre lies 3.0 mm beyond the col-0 edge, mid-height, so the pixels cover
    /// q ≈ 0.0022–0.031 Å⁻¹ and φ ≈ −81°..+81° (flow axis 0°: χ = φ, so only the χ &gt; −90°..&lt; 90° half, which
    /// carries every |cos χ| anyway). With the default q map (9 q bins × 18 χ bins of 20°), 9522 of the 16384 pixels
    /// are binned, every q bin has pixels in the four χ bins −40°..40° (where ω = q·v·cos χ is largest), and the
    /// χ extent per q bin (centre, pixels, χ range) is: 0.0038 Å⁻¹, 325, ±62°; 0.0056, 565, ±71°; 0.0074, 807, ±75°;
    /// 0.0092, 1060, ±78°; 0.0110, 1280, ±80°; 0.0129, 1518, ±81°; 0.0147, 1409, ±73°; 0.0165, 1300, ±57°;
    /// 0.0183, 1258, ±49° (8 non-empty χ bins for q bins 0–4 and 6, 10 for bin 5, 6 for bins 7–8).
    /// </summary>
    public static DetectorGeometry ContractExampleBinned(int binning = 4)
    {
        if (binning < 1 || 512 % binning != 0) throw new ArgumentException($"binning must divide 512 (got {binning})");
        // A binned pixel j covers original pixels j·b .. j·b+b−1, centred at original j·b + (b−1)/2.
        double Binned(double original) => (original - (binning - 1) / 2.0) / binning;
        return new DetectorGeometry(512 / binning, 512 / binning, 75e-6 * binning, 8.0, Binned(256.0), Binned(-40.0), 10.9);
    }
}
