using CloudXpcs.Reporting.Figures;
using CloudXpcs.Reporting.Html;
using CloudXpcs.Data.Results;
using CloudXpcs.Reporting.Inputs;

namespace CloudXpcs.Reporting;

/// <summary>
/// The report of one run folder: RUN/report/index.html and its PNG figures. The report is built in a temporary
/// folder beside report/ and swapped in when complete, so a reader sees the old report or the whole new one.
/// </summary>
public static class RunReport
{
    public const string FolderName = "report";
    public const string IndexFileName = "index.html";

    public static ReportSummary Write(string runDir, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var inputs = RunInputs.Load(runDir);
        var content = ReportContent.From(inputs);
        var figures = UniqueFileNames(content.Figures.ToList());

        string target = Path.Combine(inputs.RunDir, FolderName);
        string temporary = Path.Combine(inputs.RunDir, $".{FolderName}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            int done = 0;
            Parallel.ForEach(figures, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelism) }, figure =>
            {
                FigureRenderer.WritePng(figure, Path.Combine(temporary, figure.FileName));
                options.FiguresDone?.Invoke(Interlocked.Increment(ref done), figures.Count);
            });
            File.WriteAllText(Path.Combine(temporary, IndexFileName), ReportHtml.Build(content with { Sections = Renamed(content.Sections, figures) }, options.ToolVersion, options.RunFolderLabel, DateTimeOffset.UtcNow));
            Swap(temporary, target);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return new ReportSummary(Path.Combine(target, IndexFileName), figures.Select(f => f.FileName).ToList(),
            content.Sections.Where(s => s.Missing is not null).Select(s => s.Title).ToList());
    }

    private static void Swap(string temporary, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temporary, target);
            return;
        }
        string old = target + $".{Guid.NewGuid():N}.old";
        Directory.Move(target, old);
        Directory.Move(temporary, target);
        Directory.Delete(old, recursive: true);
    }

    /// <summary>Figures in order, a file name that repeats (two series with the same slug) gets a numeric suffix.</summary>
    private static List<Figure> UniqueFileNames(List<Figure> figures)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return figures.Select(f =>
        {
            string name = f.FileName;
            for (int i = 2; !seen.Add(name); i++) name = $"{Path.GetFileNameWithoutExtension(f.FileName)}-{i}{Path.GetExtension(f.FileName)}";
            return name == f.FileName ? f : f with { FileName = name };
        }).ToList();
    }

    private static IReadOnlyList<FigureSection> Renamed(IReadOnlyList<FigureSection> sections, List<Figure> renamed)
    {
        int index = 0;
        return sections.Select(s => s with { Figures = s.Figures.Select(_ => renamed[index++]).ToList() }).ToList();
    }
}
