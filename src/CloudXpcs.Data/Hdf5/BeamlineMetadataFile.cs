using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>The acquisition geometry and timing a beamline records beside the frames.</summary>
public sealed record AcquisitionMetadata(double EnergyKeV, double DistanceM, double PixelSizeM, double BeamCenterRow, double BeamCenterCol, double FrameTimeS, string Layout);

/// <summary>
/// Reads <see cref="AcquisitionMetadata"/> from the file a beamline writes with the frames: the NeXus metadata file of
/// APS 8-ID-I (*_metadata.hdf: /entry/instrument/incident_beam/incident_energy in keV and
/// /entry/instrument/detector_1/{distance, x_pixel_size, beam_center_x, beam_center_y, frame_time}; also what its
/// result files carry), or a Dectris Eiger master file (/entry/instrument/detector/{detector_distance, x_pixel_size,
/// beam_center_x, beam_center_y, frame_time}, the energy from detectorSpecific/photon_energy in eV or
/// /entry/instrument/beam/incident_wavelength in Å). beam_center_x is the column, beam_center_y the row (pixels).
/// </summary>
public static class BeamlineMetadataFile
{
    private const string Aps = "/entry/instrument/detector_1";
    private const string Eiger = "/entry/instrument/detector";
    private const double KeVAngstrom = 12.398419843320026; // h·c in keV·Å

    public static AcquisitionMetadata Read(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        bool Exists(string dataset) => ContractHdf5.Guard(path, () => Hdf5Confinement.Resolve(file, path, () => file.LinkExists(dataset)));
        double Scalar(string dataset)
        {
            var values = Hdf5Numbers.Read(file, path, dataset, 0, 1);
            if (values.Count != 1) throw new DataContractException(path, $"{dataset} must hold one value (got {values.Count})");
            double v = values.Scalar;
            if (!double.IsFinite(v)) throw new DataContractException(path, $"{dataset} is not finite");
            return v;
        }
        if (Exists($"{Aps}/distance"))
            return Checked(path, new AcquisitionMetadata(
                EnergyKeV: Scalar("/entry/instrument/incident_beam/incident_energy"),
                DistanceM: Scalar($"{Aps}/distance"),
                PixelSizeM: Scalar($"{Aps}/x_pixel_size"),
                BeamCenterRow: Scalar($"{Aps}/beam_center_y"),
                BeamCenterCol: Scalar($"{Aps}/beam_center_x"),
                FrameTimeS: Scalar($"{Aps}/frame_time"),
                Layout: "APS 8-ID-I NeXus metadata"));
        if (Exists($"{Eiger}/detector_distance"))
        {
            double energy = Exists($"{Eiger}/detectorSpecific/photon_energy")
                ? Scalar($"{Eiger}/detectorSpecific/photon_energy") / 1000.0
                : Exists("/entry/instrument/beam/incident_wavelength")
                    ? KeVAngstrom / Scalar("/entry/instrument/beam/incident_wavelength")
                    : throw new DataContractException(path, $"holds no photon energy ({Eiger}/detectorSpecific/photon_energy or /entry/instrument/beam/incident_wavelength)");
            return Checked(path, new AcquisitionMetadata(
                EnergyKeV: energy,
                DistanceM: Scalar($"{Eiger}/detector_distance"),
                PixelSizeM: Scalar($"{Eiger}/x_pixel_size"),
                BeamCenterRow: Scalar($"{Eiger}/beam_center_y"),
                BeamCenterCol: Scalar($"{Eiger}/beam_center_x"),
                FrameTimeS: Scalar($"{Eiger}/frame_time"),
                Layout: "Eiger NeXus master"));
        }
        throw new DataContractException(path, $"is not a beamline metadata file: neither {Aps}/distance (APS 8-ID-I) nor {Eiger}/detector_distance (Eiger master) found");
    }

    /// <summary>A day per frame: longer is no detector's frame time (and 1e308 s would overflow the series' span).</summary>
    public const double MaxFrameTimeS = 86400;

    private static AcquisitionMetadata Checked(string path, AcquisitionMetadata m)
    {
        if (!(m.EnergyKeV > 0)) throw new DataContractException(path, $"photon energy {m.EnergyKeV:R} keV must be positive");
        if (!(m.DistanceM > 0)) throw new DataContractException(path, $"detector distance {m.DistanceM:R} m must be positive");
        if (!(m.PixelSizeM > 0)) throw new DataContractException(path, $"pixel size {m.PixelSizeM:R} m must be positive");
        if (!(m.FrameTimeS > 0 && m.FrameTimeS <= MaxFrameTimeS)) throw new DataContractException(path, $"frame time {m.FrameTimeS:R} s must be positive and at most {MaxFrameTimeS:R} s");
        return m;
    }
}
