using System.Diagnostics;
using PortWarden.NetLab;

namespace PortWarden.Bench;

/// <summary>Runs a program and measures its wall-clock time.</summary>
internal static class Timed
{
    public static async Task<TimeSpan> RunAsync(string file, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        await Command.RunAsync(file, arguments, null, CancellationToken.None).ConfigureAwait(false);
        return clock.Elapsed;
    }

    public static TimeSpan Median(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
