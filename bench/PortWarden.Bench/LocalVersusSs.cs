using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PortWarden.Bench;

/// <summary>
/// PortWarden's self-scan against `ss -tulpn` on a host with 20,000 listening sockets (opened here by socket
/// holder processes, each within the open-file limit, and released at the end), in one run: each writes its
/// full answer, owning processes included, to a file. Several builds of the CLI can be compared at once (e.g.
/// ReadyToRun and Native AOT). Prints the median wall time of each, the peak resident memory of each (GNU
/// time's %M), their ratios to ss, and whether each saw the same sockets and owners as ss.
/// </summary>
internal static partial class LocalVersusSs
{
    public static async Task<int> RunAsync(string[] args)
    {
        // --portwarden LABEL=PATH, repeatable: e.g. the ReadyToRun and the Native AOT builds of the CLI.
        var builds = Options(args, "--portwarden")
            .Select(value => value.Split('=', 2) is [var label, var path] ? (Label: label, Path: path) : (Label: "portwarden", Path: value))
            .ToList();
        if (builds.Count == 0)
        {
            throw new ArgumentException("--portwarden [LABEL=]PATH is required");
        }

        var runs = int.Parse(BenchArgs.Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        var wanted = int.Parse(BenchArgs.Option(args, "--sockets") ?? "20000", CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("portwarden-bench-");
        var holders = new List<Process>();
        try
        {
            var opened = await OpenListenersAsync(wanted, holders).ConfigureAwait(false);
            Console.WriteLine($"{opened} listening TCP sockets held by {holders.Count} process(es) ({string.Join(", ", holders.Select(h => h.Id))})");

            var theirs = Path.Combine(work.FullName, "ss.txt");
            var contenders = builds
                .Select(build => (Name: $"portwarden ({build.Label})", Output: Path.Combine(work.FullName, $"{build.Label}.jsonl"), Build: build.Path))
                .Select(c => (c.Name, c.Output, Command: new[] { c.Build, "scan", "--engine", "local", "--format", "jsonl", "-o", c.Output, "--no-progress" }))
                .Append((Name: "ss -tulpn", Output: theirs, Command: new[] { "/bin/sh", "-c", $"exec ss -tulpn > '{theirs}'" }))
                .ToList();
            var times = contenders.Select(_ => new List<TimeSpan>()).ToList();
            var memory = contenders.Select(_ => new List<long>()).ToList();

            // One unmeasured run each warms the page cache and the runtime's files; then each runs once per round.
            foreach (var contender in contenders)
            {
                await MeasureAsync(contender.Command, work).ConfigureAwait(false);
            }

            for (var run = 0; run < runs; run++)
            {
                for (var i = 0; i < contenders.Count; i++)
                {
                    var (time, peak) = await MeasureAsync(contenders[i].Command, work).ConfigureAwait(false);
                    times[i].Add(time);
                    memory[i].Add(peak);
                }
            }

            // Other programs on the machine open and close sockets between the runs: compare the benchmark's own.
            var held = holders.Select(h => $" {h.Id.ToString(CultureInfo.InvariantCulture)}").ToList();
            HashSet<string> Ours(HashSet<string> sockets) => sockets.Where(s => held.Any(pid => s.EndsWith(pid, StringComparison.Ordinal))).ToHashSet();
            var ss = Ours(SocketsOfSs(theirs));
            var ssTime = Timed.Median(times[^1]);
            var ssMemory = memory[^1].Max();
            var allSame = true;
            Console.WriteLine($"{"",-34} {"time (median)",14} {"peak memory",12}  {"benchmark sockets",18}  ratio to ss: time, memory");
            for (var i = 0; i < contenders.Count; i++)
            {
                var found = i == contenders.Count - 1 ? ss : Ours(SocketsOfPortWarden(contenders[i].Output));
                var same = found.SetEquals(ss) && found.Count == opened;
                allSame &= same;
                if (!same)
                {
                    Console.Error.WriteLine($"  {contenders[i].Name}: only here: {string.Join(' ', found.Except(ss).Take(10))}; only ss: {string.Join(' ', ss.Except(found).Take(10))}");
                }

                var (time, peak) = (Timed.Median(times[i]), memory[i].Max());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{contenders[i].Name,-34} {time.TotalSeconds,10:0.000} s {peak / 1024.0,8:0.0} MiB  {$"{found.Count}/{opened}",18}  {time / ssTime,5:0.00}, {(double)peak / ssMemory,5:0.00}{(same ? "" : "  DIFFERENT SOCKETS")}"));
            }

            Console.WriteLine($"(times are medians of {runs} rounds, each tool once per round; goal: time ratio <= 1.0)");
            return allSame ? 0 : 1;
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

    private static IEnumerable<string> Options(string[] args, string name)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                yield return args[i + 1];
            }
        }
    }
}
