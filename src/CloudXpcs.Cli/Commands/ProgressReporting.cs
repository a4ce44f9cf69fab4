using Spectre.Console;

namespace CloudXpcs.Cli.Commands;

/// <summary>A progress bar on an interactive terminal; plain start/finish lines when output is redirected.</summary>
public static class ProgressReporting
{
    public static T Run<T>(string description, double total, Func<IProgress<double>, T> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output (logs, CI): a line every few seconds, so that a long step never looks hung.
            Console.WriteLine($"{description} ...");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var lastLine = TimeSpan.Zero;
            var plain = work(new SynchronousProgress(v =>
            {
                if (clock.Elapsed - lastLine < TimeSpan.FromSeconds(5)) return;
                lastLine = clock.Elapsed;
                Console.WriteLine($"{description}: {Math.Clamp(v / Math.Max(total, 1), 0, 1):0%} ({clock.Elapsed.TotalSeconds:0} s)");
            }));
            if (clock.Elapsed > TimeSpan.FromSeconds(5)) Console.WriteLine($"{description}: done in {clock.Elapsed.TotalSeconds:0} s");
            return plain;
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: Math.Max(total, 1));
                result = work(new SynchronousProgress(v => task.Value = v));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
