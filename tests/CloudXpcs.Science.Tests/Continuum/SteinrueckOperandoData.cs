using System.Globalization;
using CloudXpcs.Science.Continuum;

namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>
/// ../shared/data/steinrueck2020_operando on the simulation's position axis (see <see cref="SteinrueckComparisonTests"/>
/// for the orientation): current, XAM profiles and lab-frame EO speeds. Null when the folder is absent.
/// </summary>
internal sealed record SteinrueckOperandoData(MeasuredCurrent Current, MeasuredProfile[] Profiles, MeasuredVelocity[] Velocities)
{
    public const double HalfLengthMm = 1.5;
    public const double InitialConcentrationMolPerM3 = 1870;

    public static string? Folder =>
        Support.RepoPaths.SharedData is { } shared && Directory.Exists(Path.Combine(shared, "steinrueck2020_operando"))
            ? Path.Combine(shared, "steinrueck2020_operando") : null;

    public static SteinrueckOperandoData Load(string dir)
    {
        var currentRows = ReadPairs(Path.Combine(dir, "current_density.csv"));
        var current = new MeasuredCurrent(currentRows.Select(r => r.A * 3600).ToArray(), currentRows.Select(r => r.B * 10).ToArray());
        var profiles = Directory.GetFiles(dir, "t=*.csv").Order(StringComparer.Ordinal).Select(path =>
        {
            double minutes = double.Parse(Path.GetFileNameWithoutExtension(path)[2..], CultureInfo.InvariantCulture);
            var rows = ReadPairs(path).OrderBy(r => r.A).ToArray();
            return new MeasuredProfile(minutes * 60, rows.Select(r => r.A - HalfLengthMm).ToArray(), rows.Select(r => r.B * 1000).ToArray());
        }).ToArray();
        var velocities = Directory.GetFiles(dir, "x=*.csv").Order(StringComparer.Ordinal).Select(path =>
        {
            double xFile = double.Parse(Path.GetFileNameWithoutExtension(path)[2..], CultureInfo.InvariantCulture);
            var rows = ReadPairs(path);
            return new MeasuredVelocity(Math.Round(xFile - HalfLengthMm, 6), rows.Select(r => r.A * 3600).ToArray(), rows.Select(r => r.B * 1e-9).ToArray());
        }).ToArray();
        return new SteinrueckOperandoData(current, profiles, velocities);
    }

    /// <summary>The study's cell with <paramref name="set"/>, output every minute up to the end of the current record.</summary>
    public CellSimulationResult Simulate(CloudXpcs.Science.Electrolyte.TransportSet set)
    {
        double duration = Math.Ceiling(Current.TimesS.Max() / 60) * 60;
        return ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = set, DurationS = duration,
            OutputTimesS = Enumerable.Range(0, (int)(duration / 60) + 1).Select(k => k * 60.0).ToArray(),
            PositionsMm = Velocities.Select(v => v.PositionMm).ToArray(),
        });
    }

    public static (double A, double B)[] ReadPairs(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(l =>
        {
            var parts = l.Split(',');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }).ToArray();
}
