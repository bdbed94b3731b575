using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PortWarden.Bench;

/// <summary>
/// PortWarden's self-scan against `ss -tulpn` on a host with 20,000 listening sockets (opened here by socket
/// holder processes, each within the open-file limit, and released at the end), in one run: both write their
/// full answer, owning processes included, to a file. Prints the median wall time of each, the ratio
/// (PortWarden / ss), the peak resident memory of each (GNU time's %M), and whether both saw the same sockets.
/// </summary>
internal static partial class LocalVersusSs
{
    public static async Task<int> RunAsync(string[] args)
    {
        var portwarden = Option(args, "--portwarden") ?? throw new ArgumentException("--portwarden PATH is required");
        var runs = int.Parse(Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        var wanted = int.Parse(Option(args, "--sockets") ?? "20000", CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("portwarden-bench-");
        var holders = new List<Process>();
        try
        {
            var opened = await OpenListenersAsync(wanted, holders).ConfigureAwait(false);
            Console.WriteLine($"{opened} listening TCP sockets held by {holders.Count} process(es) ({string.Join(", ", holders.Select(h => h.Id))})");

            var ours = Path.Combine(work.FullName, "portwarden.jsonl");
            var theirs = Path.Combine(work.FullName, "ss.txt");
            var portwardenRun = new[] { portwarden, "scan", "--engine", "local", "--format", "jsonl", "-o", ours, "--no-progress" };
            var ssRun = new[] { "/bin/sh", "-c", $"exec ss -tulpn > '{theirs}'" };

            // One unmeasured run each warms the page cache and the runtime's files.
            await MeasureAsync(portwardenRun, work).ConfigureAwait(false);
            await MeasureAsync(ssRun, work).ConfigureAwait(false);
            var (ourTimes, theirTimes, ourMemory, theirMemory) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<long>(), new List<long>());
            for (var run = 0; run < runs; run++)
            {
                var (time, memory) = await MeasureAsync(portwardenRun, work).ConfigureAwait(false);
                ourTimes.Add(time);
                ourMemory.Add(memory);
                (time, memory) = await MeasureAsync(ssRun, work).ConfigureAwait(false);
                theirTimes.Add(time);
                theirMemory.Add(memory);
            }

            var (mine, ss) = (SocketsOfPortWarden(ours), SocketsOfSs(theirs));
            var same = mine.SetEquals(ss);
            if (!same)
            {
                Console.Error.WriteLine($"  only PortWarden: {string.Join(' ', mine.Except(ss).Take(20))}");
                Console.Error.WriteLine($"  only ss: {string.Join(' ', ss.Except(mine).Take(20))}");
            }

            var (ourTime, theirTime) = (Timed.Median(ourTimes), Timed.Median(theirTimes));
            Console.WriteLine($"{"",-28} {"time (median)",14} {"peak memory",12}  sockets with owner");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"portwarden scan --engine local",-30} {ourTime.TotalSeconds,10:0.000} s {ourMemory.Max() / 1024.0,9:0.0} MiB  {mine.Count(s => !s.EndsWith(" -", StringComparison.Ordinal))}/{mine.Count}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"ss -tulpn",-30} {theirTime.TotalSeconds,10:0.000} s {theirMemory.Max() / 1024.0,9:0.0} MiB  {ss.Count(s => !s.EndsWith(" -", StringComparison.Ordinal))}/{ss.Count}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio (PortWarden / ss): time {ourTime / theirTime:0.00}, peak memory {(double)ourMemory.Max() / theirMemory.Max():0.00}; same sockets and owners: {(same ? "yes" : "NO")}"));
            Console.WriteLine($"(times are medians of {runs} runs, each tool once per run; goal: time ratio <= 1.0)");
            return same ? 0 : 1;
        }
        finally
        {
            foreach (var holder in holders)
            {
                holder.StandardInput.Close();
                if (!holder.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    holder.Kill();
                }

                holder.Dispose();
            }

            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Starts socket holders until <paramref name="wanted"/> listeners are open on 127.0.0.1 and ::1: each holder
    /// keeps below the open-file hard limit, which an unprivileged (or capability-less) process cannot raise.
    /// </summary>
    private static async Task<int> OpenListenersAsync(int wanted, List<Process> holders)
    {
        var perProcess = (int)Math.Min(wanted, HardFileLimit() - 100);
        var opened = 0;
        for (var firstPort = 10000; opened < wanted; firstPort += 10000)
        {
            var count = Math.Min(perProcess, wanted - opened);
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PortWarden.SocketHolder"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--listeners", $"{count}", "--from", $"{firstPort}", "127.0.0.1", "::1" })
            {
                start.ArgumentList.Add(argument);
            }

            var holder = Process.Start(start)!;
            holders.Add(holder);
            var report = await holder.StandardOutput.ReadLineAsync().ConfigureAwait(false);
            await holder.StandardOutput.ReadLineAsync().ConfigureAwait(false);
            var held = int.Parse(report!.Split(' ')[1], CultureInfo.InvariantCulture);
            if (held == 0)
            {
                throw new InvalidOperationException("a socket holder opened no listener");
            }

            opened += held;
        }

        return opened;
    }

    private static long HardFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var hard = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        return hard == "unlimited" ? 1 << 20 : long.Parse(hard, CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a command under GNU time: wall-clock time and peak resident memory (KiB).</summary>
    private static async Task<(TimeSpan Time, long PeakKiB)> MeasureAsync(string[] command, DirectoryInfo work)
    {
        var report = Path.Combine(work.FullName, "time.txt");
        var clock = Stopwatch.StartNew();
        await Timed.RunAsync("/usr/bin/time", ["-f", "%M", "-o", report, .. command]).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        return (elapsed, long.Parse(File.ReadAllText(report).Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
    }

    /// <summary>"tcp 127.0.0.1:10000 pid" per socket PortWarden reported ("-" without owner).</summary>
    private static HashSet<string> SocketsOfPortWarden(string path) =>
        File.ReadLines(path)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("type").GetString() == "port")
            .Select(port => $"{port.GetProperty("protocol").GetString()} {port.GetProperty("bindAddress").GetString()}:{port.GetProperty("port").GetInt32()} " +
                (port.TryGetProperty("process", out var process) ? process.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture) : "-"))
            .ToHashSet();

    /// <summary>The same from ss's output: netid, local address (brackets, device and '*' normalised), lowest pid.</summary>
    private static HashSet<string> SocketsOfSs(string path) =>
        File.ReadLines(path).Skip(1)
            .Select(line => line.Split(' ', 7, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6)
            .Select(fields =>
            {
                var local = fields[4];
                var colon = local.LastIndexOf(':');
                var address = DeviceSuffix().Replace(local[..colon], "").Trim('[', ']');
                address = address == "*" ? "::" : address.StartsWith("::ffff:", StringComparison.Ordinal) && address.Contains('.', StringComparison.Ordinal) ? address[7..] : address;
                var pids = fields.Length > 6 ? Pid().Matches(fields[6]).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList() : [];
                return $"{fields[0]} {address}:{local[(colon + 1)..]} {(pids.Count > 0 ? pids.Min().ToString(CultureInfo.InvariantCulture) : "-")}";
            })
            .ToHashSet();

    [GeneratedRegex(@"%[^\]:]+$")]
    private static partial Regex DeviceSuffix();

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex Pid();

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
