using System.Diagnostics;
using System.Globalization;

namespace PortWarden.Bench;

/// <summary>Runs a program to its end, measuring wall-clock time and peak resident memory (Linux: VmHWM from /proc, sampled).</summary>
internal static class Measured
{
    public static async Task<(TimeSpan Time, long PeakBytes, int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            // VmHWM is the high-water mark, so sampling often enough only loses the last few milliseconds.
            peak = Math.Max(peak, HighWaterMark(process.Id));
            await Task.Delay(5).ConfigureAwait(false);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var stderr = await error.ConfigureAwait(false);
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {stderr}");
        }

        return (elapsed, peak, process.ExitCode, await output.ConfigureAwait(false));
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
