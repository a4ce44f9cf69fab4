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
    /// pixels of 300 µm). The beam centre lies 3.0 mm beyond the col-0 edge, mid-height, so pixels span
    /// φ ≈ −83°..+83° and q ≈ 0.0021–0.029 Å⁻¹. With the default q map (flow axis 0°) all 9 q bins are covered in
    /// the χ bins around ±10° (along the flow, where ω = q·v is largest); the outer q bins lose the χ bins beyond
    /// ~±50°, and no pixel has |χ| &gt; 90° (ω of the far side is the mirror image anyway: cos χ only).
    /// </summary>
    public static DetectorGeometry ContractExampleBinned(int binning = 4)
    {
        if (binning < 1 || 512 % binning != 0) throw new ArgumentException($"binning must divide 512 (got {binning})");
        // A binned pixel j covers original pixels j·b .. j·b+b−1, centred at original j·b + (b−1)/2.
        double Binned(double original) => (original - (binning - 1) / 2.0) / binning;
        return new DetectorGeometry(512 / binning, 512 / binning, 75e-6 * binning, 8.0, Binned(256.0), Binned(-40.0), 10.9);
    }
}
