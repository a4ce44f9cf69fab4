using CloudXpcs.Cli.Commands;
using CloudXpcs.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli;

public static class Program
{
    public const int ExitBadInput = ExitCodes.BadInput;
    public const int ExitFailure = ExitCodes.Failure;

    public static int Main(string[] args)
    {
        if (args is ["--version"] or ["-v"]) args = ["version"];
        // Tables of redirected output (logs, CI) are laid out for 100 columns instead of Spectre's 80.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 100) AnsiConsole.Profile.Width = 100;
        try
        {
            return BuildApp().Run(args);
        }
        catch (Azure.RequestFailedException ex)
        {
            Console.Error.WriteLine("error: " + OneLine(Commands.Cloud.StorageErrors.Describe(ex)));
            return ExitBadInput;
        }
        catch (CommandParseException ex) when (CommandSuggestions.ForUnknown(args, ex) is { } suggestion)
        {
            Console.Error.WriteLine("error: " + OneLine(ex.Message) + " " + suggestion);
            return ExitBadInput;
        }
        catch (Exception ex) when (ConversionError(args, ex.Message) is { } named)
        {
            Console.Error.WriteLine("error: " + named);
            return ExitBadInput;
        }
        catch (Exception ex)
        {
            var (code, line) = ExitLine.For(ex);
            Console.Error.WriteLine(line);
            return code;
        }
    }

    /// <summary>"Failed to convert 'abc' to Int32." with the option that was given 'abc' named.</summary>
    private static string? ConversionError(string[] args, string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert '(.*)' to (\w+)");
        if (!match.Success) return null;
        string value = match.Groups[1].Value;
        string kind = match.Groups[2].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Single" => "a number",
            "Boolean" => "true or false",
            string other => "a " + other,
        };
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == value && args[i - 1].StartsWith('-')) return $"{args[i - 1]}: '{value}' is not {kind}";
            if (args[i].StartsWith("--") && args[i].EndsWith("=" + value)) return $"{args[i].Split('=')[0]}: '{value}' is not {kind}";
        }
        return $"'{value}' is not {kind}";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static readonly string[] CommandNames = ["version", "demo", "simulate-beamtime", "simulate-series", "correlate", "fit", "analyze-series", "xam", "run", "reprocess", "status", "upload", "simulate-cell", "compare", "infer", "import-steinrueck2020", "report"];

    public static CommandApp BuildApp()
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("cloudxpcs");
            config.SetApplicationVersion(VersionCommand.Text);
            foreach (string name in CommandNames) CommandSuggestions.Register(name);
            config.PropagateExceptions();
            config.AddCommand<VersionCommand>("version").WithDescription("Print the version of cloudxpcs.");
            config.AddCommand<Commands.Cloud.DemoCommand>("demo").WithDescription("The main job: a synthetic beamtime through CloudXpcs (simulation, correlation, fits, continuum model).");
            config.AddCommand<SimulateBeamtimeCommand>("simulate-beamtime").WithDescription("Simulate a whole beamtime (XPCS series, XAM scans, echem.csv) following a continuum-model run.");
            config.AddCommand<SimulateSeriesCommand>("simulate-series").WithDescription("Simulate a heterodyne XPCS series (contract series folder and truth.json).");
            config.AddCommand<CorrelateCommand>("correlate").WithDescription("Multi-tau correlation of one XPCS series into g2.h5.");
            config.AddCommand<FitCommand>("fit").WithDescription("Heterodyne fit of a g2.h5 (one series) into fit.json: per-bin fits, the series speed and the anion velocities.");
            config.AddCommand<DescribeCommand>("describe").WithDescription("Write series.json for a series as the detector wrote it (HDF5 file or master + data files), from the beamline's metadata file and a masking tool's q-map (used as is).");
            config.AddCommand<AnalyzeSeriesCommand>("analyze-series").WithAlias("analyse-series").WithDescription("Correlate and fit one XPCS series into DIR/g2.h5 and DIR/fit.json; prints the speed or why it is not resolvable.");
            config.AddCommand<XamCommand>("xam").WithDescription("Convert XAM raster scans of a beamtime into salt concentration profiles.");
            // Commands: one line each, keep sorted by area.
            config.AddCommand<Commands.Cloud.RunCommand>("run").WithDescription("Upload a beamtime folder and run it through the durable pipeline (local host on Azurite); download the run's results. Exit 0 completed, 3 completed with failures (some series not analysed), 1 failed, 2 bad input.");
            config.AddCommand<Commands.Cloud.ReprocessCommand>("reprocess").WithDescription("A new run of an uploaded beamtime, e.g. with new q/chi binning or transport sets; earlier runs are kept. Exit codes as for run.");
            config.AddCommand<Commands.Cloud.StatusCommand>("status").WithDescription("Runs and series of the pipeline's Table index. Exit 3 when the newest run of a listed beamtime completed with failures, 1 when it failed.");
            config.AddCommand<Commands.Cloud.UploadCommand>("upload").WithDescription("Facility-to-cloud upload of a beamtime folder: parallel, resumable, MD5-verified; --watch follows a detector folder.");
            config.AddCommand<Commands.Cloud.WorkerCommand>("worker").WithDescription("One more host process on a run's task hub (scale-out): takes activities from the shared queue until Ctrl+C or SIGTERM; a killed worker's work is taken over after its lease.");
            config.AddCommand<SimulateCellCommand>("simulate-cell").WithDescription("Simulate the Li | polymer electrolyte | Li cell (continuum model) and write simulations/{set}.json.");
            config.AddCommand<CompareCommand>("compare").WithDescription("Compare a beamtime with continuum simulations of transport sets: comparison.json and a ranking.");
            config.AddCommand<InferCommand>("infer").WithDescription("Fit the transference number t+0 (constant and linear in c) to all measurements of a beamtime: inference.json.");
            config.AddCommand<ImportSteinrueckCommand>("import-steinrueck2020").WithDescription("Turn the Steinrueck 2020 published curves into a contract beamtime.");
            config.AddCommand<ReportCommand>("report").WithDescription("Write RUN/report/index.html: the study's figures, series table and provenance of one run folder.");
        });
        return app;
    }
}
