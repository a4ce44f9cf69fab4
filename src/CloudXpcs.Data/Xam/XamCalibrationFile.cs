using System.Text.Json;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Data.Xam;

/// <summary>xam/calibration.json: which scan is the uniform reference, and the conversion settings.</summary>
/// <param name="AverageRepeatedPositions">Raster points repeated at one position are averaged (else refused).</param>
public sealed record XamCalibrationFileContent(double ReferenceTimeMin, XamConversionSettings Settings, bool AverageRepeatedPositions = false);

/// <summary>
/// Reads xam/calibration.json (contract 1.2). Required: <c>reference_time_min</c>, <c>initial_concentration_M</c>.
/// Then either <c>"calibrate_by_salt_conservation": true</c> (optional <c>blank_absorbance</c>, default 0), or the optical
/// constants <c>thickness_cm</c>, <c>mass_attenuation_LiTFSI_cm2_per_g</c>, <c>mass_attenuation_PEO_cm2_per_g</c>
/// (optional <c>V_salt_cm3_per_mol</c>, <c>V_EO_cm3_per_mol</c>, default the study's 134.9 and 40.0, and one-σ errors
/// <c>thickness_err_cm</c>, <c>mass_attenuation_LiTFSI_err_cm2_per_g</c>, <c>mass_attenuation_PEO_err_cm2_per_g</c>).
/// Optional for both: <c>initial_concentration_err_M</c> (0), <c>flat_field</c> (true), <c>position_tolerance_mm</c> (1e-6),
/// <c>average_repeated_positions</c> (false: two raster points of a scan within the tolerance are refused).
/// Unknown and duplicate fields are rejected.
/// </summary>
public static class XamCalibrationFile
{
    public static XamCalibrationFileContent Read(string path)
    {
        using var document = StrictJson.Load(path, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new DataContractException(path, "expected a JSON object");
            StrictJson.RejectUnknownKeys(root, path, "", Keys);
            var fields = ManifestJson.Of(root, path, ManifestJsonWording.Quoted);

            double referenceTimeMin = Number(fields, "reference_time_min");
            double initialConcentrationM = Number(fields, "initial_concentration_M");
            bool bySaltConservation = fields.OptionalBoolean("calibrate_by_salt_conservation") ?? false;
            if (bySaltConservation && OpticalKeys.FirstOrDefault(k => root.TryGetProperty(k, out _)) is { } optical)
                throw new DataContractException(path, $"\"calibrate_by_salt_conservation\": true and the optical constant \"{optical}\" are both given; give one calibration: the salt conservation or the optical constants");
            if (!bySaltConservation && root.TryGetProperty("blank_absorbance", out _))
                throw new DataContractException(path, "\"blank_absorbance\" belongs to the salt-conservation calibration; with the optical constants it would be ignored (set \"calibrate_by_salt_conservation\": true, or remove it)");
            XamCalibration calibration = bySaltConservation
                ? new XamCalibration.BySaltConservation(fields.OptionalDouble("blank_absorbance") ?? 0)
                : new XamCalibration.ByOpticalConstants(ReadOpticalConstants(fields));
            var settings = new XamConversionSettings(
                initialConcentrationM,
                calibration,
                fields.OptionalDouble("initial_concentration_err_M") ?? 0,
                fields.OptionalBoolean("flat_field") ?? true,
                fields.OptionalDouble("position_tolerance_mm") ?? 1e-6);
            try
            {
                settings.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new DataContractException(path, ex.Message, ex);
            }
            return new XamCalibrationFileContent(referenceTimeMin, settings, fields.OptionalBoolean("average_repeated_positions") ?? false);
        }
    }

    private static readonly string[] OpticalKeys =
    [
        "thickness_cm", "mass_attenuation_LiTFSI_cm2_per_g", "mass_attenuation_PEO_cm2_per_g", "V_salt_cm3_per_mol", "V_EO_cm3_per_mol",
        "thickness_err_cm", "mass_attenuation_LiTFSI_err_cm2_per_g", "mass_attenuation_PEO_err_cm2_per_g",
    ];

    private static readonly string[] Keys =
    [
        "reference_time_min", "initial_concentration_M", "calibrate_by_salt_conservation", "blank_absorbance", "initial_concentration_err_M",
        "flat_field", "position_tolerance_mm", "average_repeated_positions", "thickness_cm", "mass_attenuation_LiTFSI_cm2_per_g", "mass_attenuation_PEO_cm2_per_g",
        "V_salt_cm3_per_mol", "V_EO_cm3_per_mol", "thickness_err_cm", "mass_attenuation_LiTFSI_err_cm2_per_g", "mass_attenuation_PEO_err_cm2_per_g",
    ];

    /// <summary>A required number; JSON null counts as absent.</summary>
    private static double Number(ManifestJson fields, string name, string hint = "") => fields.OptionalDouble(name) ?? throw fields.Missing(name, "a number", hint);

    private static OpticalConstants ReadOpticalConstants(ManifestJson fields)
    {
        const string hint = " (or set \"calibrate_by_salt_conservation\": true)";
        var study = PartialMolarVolumes.Study;
        double vEo = fields.OptionalDouble("V_EO_cm3_per_mol") ?? study.EoCm3PerMol;
        double vSalt = fields.OptionalDouble("V_salt_cm3_per_mol") ?? study.SaltCm3PerMol;
        PartialMolarVolumes volumes;
        try
        {
            volumes = PartialMolarVolumes.FromCm3PerMol(vEo, vSalt);
        }
        catch (ArgumentException ex)
        {
            throw new DataContractException(fields.Source, ex.Message, ex);
        }
        return new OpticalConstants(
            Number(fields, "thickness_cm", hint),
            Number(fields, "mass_attenuation_LiTFSI_cm2_per_g", hint),
            Number(fields, "mass_attenuation_PEO_cm2_per_g", hint),
            volumes,
            fields.OptionalDouble("thickness_err_cm") ?? 0,
            fields.OptionalDouble("mass_attenuation_LiTFSI_err_cm2_per_g") ?? 0,
            fields.OptionalDouble("mass_attenuation_PEO_err_cm2_per_g") ?? 0);
    }
}
