using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Comparison;

namespace CloudXpcs.Data.Comparison;

/// <summary>echem.csv (contract 1.3): time_min,current_mA_cm2 (further columns such as voltage_V are ignored).</summary>
public static class EchemCsv
{
    public const string FileName = "echem.csv";
    public static readonly IReadOnlyList<string> Columns = ["time_min", "current_mA_cm2"];

    /// <summary>The rows; a time given twice (two currents at one time) is refused naming both lines.</summary>
    public static IReadOnlyList<CurrentPoint> Read(string path)
    {
        var lineOfTime = new Dictionary<double, int>();
        return CsvNumber.ReadRows(path, Columns, (cell, lineNumber) =>
        {
            double time = cell(0);
            if (!lineOfTime.TryAdd(time, lineNumber))
                throw new DataContractException(path, $"line {lineNumber}: time_min {time:R} repeats line {lineOfTime[time]}; the current has one value per time");
            return new CurrentPoint(time, cell(1));
        });
    }

    public static void Write(string path, IEnumerable<CurrentPoint> points) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in points) writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.CurrentMAPerCm2)));
        });
}

/// <summary>measured/velocities.csv (contract 1.4): time_min,position_mm,v_eo_A_per_s,v_eo_err_A_per_s, signed along +position.</summary>
public static class MeasuredVelocitiesCsv
{
    public static readonly string RelativePath = Path.Combine("measured", "velocities.csv");
    public static readonly IReadOnlyList<string> Columns = ["time_min", "position_mm", "v_eo_A_per_s", "v_eo_err_A_per_s"];

    /// <summary>The rows; a time and position given twice (two velocities of one measurement) is refused naming both lines.</summary>
    public static IReadOnlyList<VelocityPoint> Read(string path)
    {
        var lineOf = new Dictionary<(double, double), int>();
        return CsvNumber.ReadRows(path, Columns, (cell, lineNumber) =>
        {
            double error = cell(3);
            if (error < 0) throw new DataContractException(path, $"line {lineNumber}: column v_eo_err_A_per_s: negative error {error}");
            var key = (cell(0), cell(1));
            if (!lineOf.TryAdd(key, lineNumber))
                throw new DataContractException(path, $"line {lineNumber}: time_min {key.Item1:R}, position_mm {key.Item2:R} repeats line {lineOf[key]}; one velocity per time and position");
            return new VelocityPoint(key.Item1, key.Item2, cell(2), error, VelocitySource.MeasuredCsv, null);
        });
    }

    public static void Write(string path, IEnumerable<VelocityPoint> points) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in points)
                writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.PositionMm),
                    CsvNumber.Format(p.VEoAPerS), CsvNumber.Format(p.VEoErrAPerS)));
        });
}
