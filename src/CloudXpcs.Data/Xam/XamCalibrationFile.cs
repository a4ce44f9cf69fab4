using System.Text.Json;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Data.Xam;

/// <summary>xam/calibration.json: which scan is the uniform reference, and the conversion settings.</summary>
public sealed record XamCalibrationFileContent(double ReferenceTimeMin, XamConversionSettings Settings);

/// <summary>
/// Reads xam/calibration.json (contract 1.2). Required: <c>reference_time_min</c>, <c>initial_concentration_M</c>.
/// Then either <c>"calibrate_by_salt_conservation": true</c> (optional <c>blank_absorbance</c>, default 0), or the optical
/// constants <c>thickness_cm</c>, <c>mass_attenuation_LiTFSI_cm2_per_g</c>, <c>mass_attenuation_PEO_cm2_per_g</c>
/// (optional <c>V_salt_cm3_per_mol</c>, <c>V_EO_cm3_per_mol</c>, default the study's 134.9 and 40.0, and one-σ errors
/// <c>thickness_err_cm</c>, <c>mass_attenuation_LiTFSI_err_cm2_per_g</c>, <c>mass_attenuation_PEO_err_cm2_per_g</c>).
/// Optional for both: <c>initial_concentration_err_M</c> (0), <c>flat_field</c> (true), <c>position_tolerance_mm</c> (1e-6).
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
            var fields = new JsonFields(root, path);

            double referenceTimeMin = fields.Number("reference_time_min");
            double initialConcentrationM = fields.Number("initial_concentration_M");
            XamCalibration calibration = fields.Boolean("calibrate_by_salt_conservation") ?? false
                ? new XamCalibration.BySaltConservation(fields.OptionalNumber("blank_absorbance") ?? 0)
                : new XamCalibration.ByOpticalConstants(ReadOpticalConstants(fields));
            var settings = new XamConversionSettings(
                initialConcentrationM,
                calibration,
                fields.OptionalNumber("initial_concentration_err_M") ?? 0,
                fields.Boolean("flat_field") ?? true,
                fields.OptionalNumber("position_tolerance_mm") ?? 1e-6);
            try
            {
                settings.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new DataContractException(path, ex.Message, ex);
            }
            return new XamCalibrationFileContent(referenceTimeMin, settings);
        }
    }

    private static readonly string[] Keys =
    [
        "reference_time_min", "initial_concentration_M", "calibrate_by_salt_conservation", "blank_absorbance", "initial_concentration_err_M",
        "flat_field", "position_tolerance_mm", "thickness_cm", "mass_attenuation_LiTFSI_cm2_per_g", "mass_attenuation_PEO_cm2_per_g",
        "V_salt_cm3_per_mol", "V_EO_cm3_per_mol", "thickness_err_cm", "mass_attenuation_LiTFSI_err_cm2_per_g", "mass_attenuation_PEO_err_cm2_per_g",
    ];

    private static OpticalConstants ReadOpticalConstants(JsonFields fields)
    {
        const string hint = " (or set \"calibrate_by_salt_conservation\": true)";
        var study = PartialMolarVolumes.Study;
        double vEo = fields.OptionalNumber("V_EO_cm3_per_mol") ?? study.EoCm3PerMol;
        double vSalt = fields.OptionalNumber("V_salt_cm3_per_mol") ?? study.SaltCm3PerMol;
        PartialMolarVolumes volumes;
        try
        {
            volumes = PartialMolarVolumes.FromCm3PerMol(vEo, vSalt);
        }
        catch (ArgumentException ex)
        {
            throw new DataContractException(fields.Path, ex.Message, ex);
        }
        return new OpticalConstants(
            fields.Number("thickness_cm", hint),
            fields.Number("mass_attenuation_LiTFSI_cm2_per_g", hint),
            fields.Number("mass_attenuation_PEO_cm2_per_g", hint),
            volumes,
            fields.OptionalNumber("thickness_err_cm") ?? 0,
            fields.OptionalNumber("mass_attenuation_LiTFSI_err_cm2_per_g") ?? 0,
            fields.OptionalNumber("mass_attenuation_PEO_err_cm2_per_g") ?? 0);
    }

    private sealed class JsonFields(JsonElement root, string path)
    {
        public string Path => path;

        public double Number(string name, string hint = "")
        {
            return OptionalNumber(name) ?? throw new DataContractException(path, $"missing \"{name}\"{hint}");
        }

        public double? OptionalNumber(string name)
        {
            if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
                throw new DataContractException(path, $"\"{name}\" must be a finite number (got {element.GetRawText()})");
            return value;
        }

        public bool? Boolean(string name)
        {
            if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
            return element.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new DataContractException(path, $"\"{name}\" must be true or false (got {element.GetRawText()})"),
            };
        }
    }
}
