namespace CloudXpcs.Science.Absorption;

/// <summary>How absorbance is turned into salt concentration (contract 1.2: optical constants or salt conservation).</summary>
public abstract record XamCalibration
{
    private XamCalibration() { }

    /// <summary>
    /// c(x,t) = c̄ + (A(x,t) − A_ref(x)) / S with the sensitivity S = thickness·dμ/dc from optical constants.
    /// Any attenuation that does not depend on salt (windows, detector efficiencies, polymer baseline) cancels in the
    /// difference to the reference scan.
    /// </summary>
    public sealed record ByOpticalConstants(OpticalConstants Constants) : XamCalibration;

    /// <summary>
    /// Salt conservation: the absorbance above the salt-free blank, A − A_blank, is taken as proportional to c, and the
    /// proportionality is fitted per scan so that the scan's mean concentration over its positions equals c̄.
    /// Salt conservation fixes only a scale, never an offset: the salt-free blank absorbance A_blank (windows, polymer,
    /// ln of the i0/it detector-efficiency ratio) must be known (default 0). The raster is assumed to cover the
    /// electrolyte evenly from electrode to electrode. With a flat field, (A − A_blank)/(A_ref − A_blank) is used instead,
    /// which also cancels a position-dependent thickness.
    /// </summary>
    public sealed record BySaltConservation(double BlankAbsorbance = 0) : XamCalibration;
}
