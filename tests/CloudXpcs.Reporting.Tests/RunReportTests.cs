using CloudXpcs.Data;
using CloudXpcs.Reporting.Figures;
using CloudXpcs.Reporting.Tests.Support;

namespace CloudXpcs.Reporting.Tests;

[Collection(DemoRunCollection.Name)]
public sealed class RunReportTests(DemoRun demo)
{
    [Fact]
    public void Full_run_has_every_figure_drawn_and_nothing_missing()
    {
        string run = demo.CopyRun("full");
        demo.WriteComparison(run);
        demo.WriteInference(run);
        demo.WriteRunJson(run, "run-0042");

        var summary = RunReport.Write(run);

        Assert.Equal(DemoRun.ExpectedFigureCount(run), summary.FigureCount);
        Assert.Equal(2 * DemoRun.SeriesCount + 2 + 5 + 2 + 6 + 1, summary.FigureCount);   // the demo's 5 positions, 6 XAM times
        Assert.Empty(summary.MissingSections);
        string folder = Path.GetDirectoryName(summary.IndexPath)!;
        Assert.Equal(Path.Combine(run, "report"), folder);
        foreach (string file in summary.FigureFiles)
        {
            int width = file.StartsWith("velocity-", StringComparison.Ordinal) ? FigureRenderer.Width + FigureRenderer.InsetWidth : FigureRenderer.Width;
            ReportAssert.DrawnPng(Path.Combine(folder, file), width, FigureRenderer.Height);
        }
        string html = File.ReadAllText(summary.IndexPath);
        var images = ReportAssert.Links(html).Where(l => l.EndsWith(".png", StringComparison.Ordinal)).ToList();
        Assert.Equal(summary.FigureFiles.Order(StringComparer.Ordinal), images.Order(StringComparer.Ordinal));
        ReportAssert.SelfContained(summary.IndexPath);
        Assert.DoesNotContain(ReportContent.NotAvailable, html, StringComparison.Ordinal);
        Assert.Contains("Run run-0042", html);
        Assert.Contains("cloudxpcs 9.8.7", html);
        Assert.Contains(Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(Path.Combine(demo.Inputs, "echem.csv")))), html);
        Assert.Contains("velocity-scale (preferred)", html);
        Assert.Contains($"<td>{DemoRun.FailedSeries}</td><td></td><td></td><td>failed</td>", html);
        Assert.Contains(DemoRun.FailedReason, html);
        foreach (string series in Directory.GetDirectories(Path.Combine(run, "xpcs")).Select(d => Path.GetFileName(d))) Assert.Contains(series, html);
    }

    [Fact]
    public void Run_without_comparison_draws_from_simulations_and_fits_and_says_what_is_missing()
    {
        string run = demo.CopyRun("plain");

        var summary = RunReport.Write(run);

        Assert.Equal(DemoRun.ExpectedFigureCount(run), summary.FigureCount);
        Assert.Equal(["Transference-number inference"], summary.MissingSections);
        string html = File.ReadAllText(summary.IndexPath);
        Assert.Contains("not available in this run (no inference.json)", html);
        Assert.Contains("not available in this run (no comparison.json)", html);
        Assert.Contains("signed like the PNB prediction", html);
        ReportAssert.SelfContained(summary.IndexPath);
    }

    [Fact]
    public void Xpcs_only_run_reports_the_series_and_marks_the_cell_sections_missing()
    {
        string run = demo.CopyRun("xpcs-only");
        Directory.Delete(Path.Combine(run, "simulations"), recursive: true);
        Directory.Delete(Path.Combine(run, "xam"), recursive: true);

        var summary = RunReport.Write(run);

        Assert.Equal(DemoRun.ExpectedFigureCount(run), summary.FigureCount);
        Assert.Contains("Current: measured and predicted", summary.MissingSections);
        Assert.Contains("Concentration profiles", summary.MissingSections);
        Assert.Contains("|v|, unsigned", File.ReadAllText(summary.IndexPath));
        ReportAssert.SelfContained(summary.IndexPath);
    }

    [Fact]
    public void Rewriting_replaces_the_report_whole_and_a_corrupt_input_leaves_the_old_one()
    {
        string run = demo.CopyRun("rewrite");
        var first = RunReport.Write(run);
        File.WriteAllText(Path.Combine(run, "report", "stale.png"), "left from an older report");

        var second = RunReport.Write(run);
        Assert.Equal(first.FigureFiles, second.FigureFiles);
        Assert.False(File.Exists(Path.Combine(run, "report", "stale.png")));

        string before = File.ReadAllText(second.IndexPath);
        string comparison = Path.Combine(run, "comparison.json");
        File.WriteAllText(comparison, "{ \"schema\": \"cloudxpcs.comparison/1\", \"sets\": [ { \"set\": 3 } ] }");
        var error = Assert.Throws<DataContractException>(() => RunReport.Write(run));
        Assert.Equal(comparison, error.Source);
        Assert.Contains("'set'", error.Problem);
        Assert.Equal(before, File.ReadAllText(second.IndexPath));
        Assert.Equal(["report"], Directory.GetDirectories(run).Select(Path.GetFileName).Where(n => n!.Contains("report")));
    }

    /// <summary>A truncated copy of the last file of that name in xpcs/ (a cut JSON document, an HDF5 file without its end).</summary>
    [Theory]
    [InlineData("fit.json")]
    [InlineData("g2.h5")]
    public void A_truncated_series_file_is_reported_with_its_path_and_no_report_is_left(string fileName)
    {
        string run = demo.CopyRun("corrupt-" + fileName);
        string path = Directory.GetFiles(Path.Combine(run, "xpcs"), fileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);

        var error = Assert.Throws<DataContractException>(() => RunReport.Write(run));

        Assert.Equal(path, error.Source);
        Assert.False(Directory.Exists(Path.Combine(run, "report")));
        Assert.Empty(Directory.GetDirectories(run, ".report*"));
    }

    [Fact]
    public void Cli_report_writes_the_index_and_bad_input_exits_2()
    {
        string run = demo.CopyRun("cli");
        Assert.Equal(0, CloudXpcs.Cli.Program.Main(["report", "--run", run]));
        Assert.True(File.Exists(Path.Combine(run, "report", "index.html")));

        File.WriteAllText(Path.Combine(run, "run.json"), "[1, 2]");
        Assert.Equal(CloudXpcs.Cli.Program.ExitBadInput, CloudXpcs.Cli.Program.Main(["report", "--run", run]));
        string empty = Path.Combine(demo.Root, "empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        Assert.Equal(CloudXpcs.Cli.Program.ExitBadInput, CloudXpcs.Cli.Program.Main(["report", "--run", empty]));
    }
}
