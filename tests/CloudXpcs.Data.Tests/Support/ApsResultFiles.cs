using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Data.Tests.Support;

/// <summary>The three APS 8-ID-I beamline result files in ../shared/data/aps_8idi_results (see SOURCE.md there).</summary>
public static class ApsResultFiles
{
    public const string Sample = "Average_B0146_S3_7_060C10p_att00_Rq0_00001_00050_results.hdf";
    public const string Buffer = "Average_D0138_Buffer_034C_att00_Rq0_00001_00050_results.hdf";
    public const string Acquisition = "E0173_H06-c6c5-4_a0009_f100000_r00001_results.hdf";
    public static readonly string[] All = [Sample, Buffer, Acquisition];

    /// <summary>The file's path; skips the test when the shared data is missing, fails when it is missing in CI (CI=true).</summary>
    public static string PathOf(string name)
    {
        string folder = Path.GetFullPath(Path.Combine(RepoPaths.RepoRoot, "..", "shared", "data", "aps_8idi_results"));
        string path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            string message = $"{path} is missing (the APS 8-ID-I result files of ../shared/data/aps_8idi_results)";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(message);
            Skip.If(true, message);
        }
        return path;
    }
}
