using System.Text.Json;
using System.Text.Json.Nodes;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Data.Tests.Results;

public class FitJsonTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cloudxpcs-fitjson-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static SeriesFit Fit(bool resolvable)
    {
        var ok = new BinFit
        {
            Bin = 0, QInvA = 0.0038, ChiDeg = 10.0, PixelCount = 420, DelayCount = 60, Ok = true, UsedForSpeed = true,
            Parameters = new HeterodyneParameters(0.2, 0.6, 50.0, 1.0, 0.12),
            StandardErrors = new HeterodyneParameters(0.01, 0.02, 3.0, 0.05, 0.01),
            ReducedChi2 = 1.1,
        };
        var failed = new BinFit { Bin = 1, QInvA = 0.0038, ChiDeg = 30.0, PixelCount = 3, DelayCount = 60, Ok = false, Reason = "too few pixels (3 < 20)" };
        var velocity = resolvable
            ? new VelocityResult
            {
                Resolvable = true, SpeedAPerS = 34.1, SpeedErrAPerS = 1.2, MinResolvableSpeedAPerS = 0.8, Method = "joint", UsedBinCount = 1,
                JointReducedChi2 = 1.02, MasterCurveSpeedAPerS = 34.0, MasterCurveSpeedErrAPerS = 1.3,
            }
            : new VelocityResult { Resolvable = false, MinResolvableSpeedAPerS = 0.8, Method = "joint", Reason = "no bins" };
        return new SeriesFit([ok, failed], [new PerQVelocity(0.0038, 1, 0.13, 0.01, 34.2, 2.6)], velocity);
    }

    [Fact]
    public void Round_trips_through_a_file_with_the_contract_field_names()
    {
        var document = FitDocument.From(Fit(resolvable: true), "x-0.15_t0300", -0.15, 300.0, new AnionVelocity(2.96, 101.0, 135.1));
        string path = Path.Combine(_dir, "xpcs", "x-0.15_t0300", "fit.json");
        FitJson.Write(path, document);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));   // no temporary file left behind

        var back = FitJson.Read(path);
        Assert.Equal(document.Series, back.Series);
        Assert.Equal(document.PositionMm, back.PositionMm);
        Assert.Equal(document.PolarizationTimeMin, back.PolarizationTimeMin);
        Assert.Equal(document.Bins, back.Bins);
        Assert.Equal(document.Velocity, back.Velocity);
        Assert.Equal(document.PerQ, back.PerQ);
        Assert.Equal(document.Anion, back.Anion);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("cloudxpcs.fit/1", (string?)json["schema"]);
        Assert.Equal(-0.15, (double)json["position_mm"]!);
        var bin = json["bins"]![0]!;
        foreach (string name in new[] { "q_inv_A", "chi_deg", "beta", "h", "tau0_s", "gamma", "omega_rad_s", "omega_err_rad_s", "reduced_chi2" })
            Assert.Equal(JsonValueKind.Number, bin[name]!.GetValueKind());
        Assert.True((bool)bin["ok"]!);
        var velocity = json["velocity"]!;
        Assert.True((bool)velocity["resolvable"]!);
        Assert.Equal(34.1, (double)velocity["speed_A_per_s"]!);
        Assert.Equal(1.2, (double)velocity["speed_err_A_per_s"]!);
        Assert.Equal(0.8, (double)velocity["min_resolvable_speed_A_per_s"]!);
        Assert.Equal("joint", (string?)velocity["method"]);
        Assert.Equal(2.96, (double)json["anion"]!["epsilon"]!);
        Assert.Equal(101.0, (double)json["anion"]!["v_tfsi_lab_A_per_s"]!);
        Assert.Equal(135.1, (double)json["anion"]!["v_tfsi_solvent_frame_A_per_s"]!);
    }

    [Fact]
    public void Unresolvable_speed_and_failed_bins_are_written_as_nulls_with_a_reason()
    {
        string text = FitJson.Serialize(FitDocument.From(Fit(resolvable: false), "s", 0.0, 0.0));
        var json = JsonNode.Parse(text)!;
        var velocity = json["velocity"]!.AsObject();
        Assert.False((bool)velocity["resolvable"]!);
        Assert.True(velocity.ContainsKey("speed_A_per_s"));
        Assert.Null(velocity["speed_A_per_s"]);
        Assert.Null(velocity["speed_err_A_per_s"]);
        Assert.Equal(0.8, (double)velocity["min_resolvable_speed_A_per_s"]!);
        var failed = json["bins"]![1]!;
        Assert.False((bool)failed["ok"]!);
        Assert.Null(failed["beta"]);
        Assert.Equal("too few pixels (3 < 20)", (string?)failed["reason"]);
        Assert.Null(json["anion"]);

        var back = FitJson.Deserialize(text, "s/fit.json");
        Assert.Null(back.Velocity.SpeedAPerS);
        Assert.Null(back.Anion);
        Assert.Null(back.Bins[1].Beta);
    }

    [Fact]
    public void Reads_the_contract_example()
    {
        const string example = """
            { "schema": "cloudxpcs.fit/1", "series": "...", "position_mm": -0.15, "polarization_time_min": 300.0,
              "bins": [ { "q_inv_A": 0.0038, "chi_deg": 10.0, "beta": 0.2, "h": 0.6, "tau0_s": 50.0, "gamma": 1.0,
                          "omega_rad_s": 0.12, "omega_err_rad_s": 0.01, "reduced_chi2": 1.1, "ok": true } ],
              "velocity": { "resolvable": true, "speed_A_per_s": 34.1, "speed_err_A_per_s": 1.2,
                            "min_resolvable_speed_A_per_s": 0.8, "method": "..." },
              "anion": { "epsilon": 2.96, "v_tfsi_lab_A_per_s": 101.0, "v_tfsi_solvent_frame_A_per_s": 135.1 } }
            """;
        var document = FitJson.Deserialize(example, "example");
        Assert.Equal(0.12, document.Bins[0].OmegaRadPerS);
        Assert.Equal(34.1, document.Velocity.SpeedAPerS);
        Assert.Equal(135.1, document.Anion!.VTfsiSolventFrameAPerS);
    }

    [Fact]
    public void Wrong_schema_is_a_data_contract_error_naming_the_source()
    {
        var e = Assert.Throws<DataContractException>(() => FitJson.Deserialize("""{"schema":"other/1","series":"s","position_mm":0,"polarization_time_min":0,"bins":[],"velocity":{"resolvable":false,"method":"m"}}""", "a/fit.json"));
        Assert.Contains("a/fit.json", e.Message);
        Assert.Throws<DataContractException>(() => FitJson.Deserialize("{ not json", "b/fit.json"));
    }
}
