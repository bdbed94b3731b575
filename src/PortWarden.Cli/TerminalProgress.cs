using PortWarden.Core.Scanning;
using Spectre.Console;

namespace PortWarden.Cli;

/// <summary>A progress bar with rate and time left, drawn on stderr while a scan runs.</summary>
internal static class TerminalProgress
{
    /// <summary>Runs <paramref name="body"/> with a progress sink: a live bar when stderr is a terminal, nothing otherwise.</summary>
    public static async Task<T> RunAsync<T>(CliStreams streams, bool enabled, string description, Func<IProgress<ScanProgress>?, Task<T>> body)
    {
        if (!enabled || !streams.ErrorIsTerminal)
        {
            return await body(null).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(streams.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1);
                return await body(new Sink(task, description)).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private sealed class Sink(ProgressTask task, string description) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Completed;
            var eta = value.Remaining is { } left ? $", ETA {(int)left.TotalHours}:{left:mm\\:ss}" : "";
            task.Description = $"{description} {value.Completed:N0}/{value.Total:N0} ({value.PerSecond:N0}/s{eta})";
        }
    }
}
