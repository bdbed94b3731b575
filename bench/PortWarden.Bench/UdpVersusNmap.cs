using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using PortWarden.NetLab;

namespace PortWarden.Bench;

/// <summary>
/// PortWarden's UDP engine against `nmap -sU -T4` on a namespace host with Linux's default ICMP limits and a known
/// state on every port (answering services, sockets that never answer, ports dropped and rejected by nftables, closed
/// ports). In one run: both over the same 300 ports (wrong states, times, ratio; PortWarden with 256 source
/// addresses), then PortWarden over all 65535 ports. Prints the theoretical limit the target's ICMP budgets allow
/// and how many errors the target suppressed (its OutRateLimit counters), which is 0 when pacing never outruns it.
/// </summary>
internal static class UdpVersusNmap
{
    private static readonly int[] Answering = [7, 53, 123, 177];
    private static readonly int[] Silent = [19, 69, 137, 161, 260, 5000, 40000];
    private static readonly int[] Dropped = [40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 33434, 33435];
    private static readonly int[] Rejected = [90, 91, 92, 93, 94, 50000];

    public static async Task<int> RunAsync(string[] args)
    {
        var portwarden = BenchArgs.Option(args, "--portwarden") ?? throw new ArgumentException("--portwarden PATH is required");
        var sourceCount = int.Parse(BenchArgs.Option(args, "--sources") ?? "256", CultureInfo.InvariantCulture);
        var skipNmap = args.Contains("--skip-nmap");
        var skipFull = args.Contains("--skip-full");
        var work = Directory.CreateTempSubdirectory("portwarden-udp-bench-");
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10] }).ConfigureAwait(false);
        host.ListenUdp(7, request => request);
        host.ListenUdp(53, DnsAnswer);
        host.ListenUdp(123, NtpAnswer);
        host.ListenUdp(177, _ => "hello"u8.ToArray());
        foreach (var port in Silent)
        {
            host.ListenUdp(port);
        }

        await host.SetFirewallAsync(
            $"udp dport {{ {string.Join(", ", Dropped)} }} drop",
            $"udp dport {{ {string.Join(", ", Rejected)} }} reject with icmpx type admin-prohibited").ConfigureAwait(false);
        await host.AddSourceAddressesAsync(Math.Min(sourceCount, 256)).ConfigureAwait(false);
        var address = host.Address.ToString();
        var limits = await TargetLimits.ReadAsync(host).ConfigureAwait(false);
        Console.WriteLine($"target {address}: {limits}");
        Console.WriteLine($"{"scan",-44} {"time",10} {"wrong",6} {"suppressed",11}  notes");

        var ok = true;
        TimeSpan? nmapTime = null;
        if (!skipNmap)
        {
            var xml = Path.Combine(work.FullName, "nmap.xml");
            var (time, suppressed) = await MeasureAsync(host, "nmap", "-sU", "-T4", "-n", "-Pn", "-p", "1-300", "-oX", xml, address).ConfigureAwait(false);
            var wrong = Wrong(NmapStates(xml), 1, 300);
            Report("nmap -sU -T4, ports 1-300", time, wrong, suppressed, "");
            nmapTime = time;
            await Task.Delay(TimeSpan.FromSeconds(7)).ConfigureAwait(false); // let the target's buckets refill
        }

        var sources = sourceCount.ToString(CultureInfo.InvariantCulture);
        {
            var json = Path.Combine(work.FullName, "portwarden-300.json");
            var (time, suppressed) = await MeasureAsync(host, portwarden, "scan", address, "-p", "U:1-300", "--source-addresses", sources,
                "--show-closed", "--format", "json", "-o", json, "--no-progress").ConfigureAwait(false);
            var wrong = Wrong(PortWardenStates(json), 1, 300);
            var limit = limits.MinimumTime(ErrorsNeeded(1, 300), sourceCount);
            Report($"portwarden, ports 1-300, {sources} sources", time, wrong, suppressed,
                (nmapTime is { } n ? $"{n / time:0.0}x faster than nmap; " : "") + $"limit {limit.TotalSeconds:0.00} s");
            ok &= wrong.Count == 0 && (nmapTime is null || nmapTime.Value / time >= 10);
        }

        if (!skipFull)
        {
            await Task.Delay(TimeSpan.FromSeconds(7)).ConfigureAwait(false);
            var json = Path.Combine(work.FullName, "portwarden-all.json");
            var (time, suppressed) = await MeasureAsync(host, portwarden, "scan", address, "-p", "U:1-65535", "--source-addresses", sources,
                "--show-closed", "--format", "json", "-o", json, "--no-progress").ConfigureAwait(false);
            var wrong = Wrong(PortWardenStates(json), 1, 65535);
            var limit = limits.MinimumTime(ErrorsNeeded(1, 65535), sourceCount);
            Report($"portwarden, ports 1-65535, {sources} sources", time, wrong, suppressed,
                $"limit {limit.TotalSeconds:0.0} s ({limit / time:P0} of the limit's speed); goal < 600 s");
            ok &= wrong.Count == 0 && time < TimeSpan.FromMinutes(10);
        }

        Console.WriteLine("wrong = ports whose state differs from the truth; suppressed = ICMP errors the target's rate limits withheld during the scan");
        Console.WriteLine("(a PortWarden scan long enough to measure the limits first sends up to ~600 canaries faster than the target refills,");
        Console.WriteLine(" on purpose, to time the refill: those are counted as suppressed too; its port probes are paced within the limits)");
        work.Delete(recursive: true);
        return ok ? 0 : 1;
    }

    private static void Report(string name, TimeSpan time, List<string> wrong, long suppressed, string notes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {time.TotalSeconds,8:0.00} s {wrong.Count,6} {suppressed,11}  {notes}"));
        foreach (var line in wrong.Take(10))
        {
            Console.WriteLine($"    {line}");
        }
    }

    private static async Task<(TimeSpan Time, long Suppressed)> MeasureAsync(LabHost host, string file, params string[] arguments)
    {
        var before = await TargetLimits.SuppressedAsync(host).ConfigureAwait(false);
        var time = await Timed.RunAsync(file, arguments).ConfigureAwait(false);
        return (time, await TargetLimits.SuppressedAsync(host).ConfigureAwait(false) - before);
    }

    /// <summary>The truth: the state every port of the host is in.</summary>
    private static string Truth(int port) =>
        Answering.Contains(port) ? "open"
        : Silent.Contains(port) || Dropped.Contains(port) ? "open|filtered"
        : Rejected.Contains(port) ? "filtered"
        : "closed";

    /// <summary>ICMP errors the target must send for the ports: one per closed or rejected port.</summary>
    private static int ErrorsNeeded(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Count(port => Truth(port) is "closed" or "filtered");

    private static List<string> Wrong(Dictionary<int, string> states, int first, int last)
    {
        var wrong = new List<string>();
        for (var port = first; port <= last; port++)
        {
            var state = states.GetValueOrDefault(port, "not reported");
            if (state != Truth(port))
            {
                wrong.Add($"{port}: {state}, truth {Truth(port)}");
            }
        }

        return wrong;
    }

    private static Dictionary<int, string> PortWardenStates(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("hosts").EnumerateArray()
            .SelectMany(host => host.GetProperty("ports").EnumerateArray())
            .ToDictionary(port => port.GetProperty("port").GetInt32(), port => port.GetProperty("state").GetString()!);
    }

    /// <summary>nmap's states: listed ports, and the ports its "extraports" groups name in their extrareasons (nmap 7.9x).</summary>
    private static Dictionary<int, string> NmapStates(string path)
    {
        var document = XDocument.Load(path);
        var states = new Dictionary<int, string>();
        foreach (var group in document.Descendants("extraports"))
        {
            var state = group.Attribute("state")!.Value;
            foreach (var reasons in group.Elements("extrareasons"))
            {
                foreach (var range in (reasons.Attribute("ports")?.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var bounds = range.Split('-').Select(part => int.Parse(part, CultureInfo.InvariantCulture)).ToArray();
                    for (var port = bounds[0]; port <= bounds[^1]; port++)
                    {
                        states[port] = state;
                    }
                }
            }
        }

        foreach (var port in document.Descendants("port"))
        {
            states[int.Parse(port.Attribute("portid")!.Value, CultureInfo.InvariantCulture)] = port.Element("state")!.Attribute("state")!.Value;
        }

        return states;
    }

    private static byte[]? DnsAnswer(byte[] query)
    {
        if (query.Length < 12)
        {
            return null;
        }

        var response = (byte[])query.Clone();
        response[2] = 0x84;
        response[3] = 0x05; // REFUSED
        return response;
    }

    private static byte[]? NtpAnswer(byte[] request)
    {
        if (request.Length < 48)
        {
            return null;
        }

        var response = new byte[48];
        response[0] = (4 << 3) | 4;
        response[1] = 3;
        BinaryPrimitives.WriteUInt64BigEndian(response.AsSpan(24), BinaryPrimitives.ReadUInt64BigEndian(request.AsSpan(40)));
        return response;
    }
}
