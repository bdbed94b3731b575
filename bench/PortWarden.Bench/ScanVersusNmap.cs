using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using PortWarden.NetLab;

namespace PortWarden.Bench;

/// <summary>
/// PortWarden's connect engine against `nmap -sT -n -Pn -T4` on the same namespace targets in one run:
/// the full TCP range of one host, and ports 1-1000 of a 254-address network with 30 live hosts.
/// Prints both times, their ratio (PortWarden / nmap) and whether the open ports are identical.
/// </summary>
internal static class ScanVersusNmap
{
    private static readonly int[] CommonPorts = [22, 80];

    public static async Task<int> RunAsync(string[] args)
    {
        var portwarden = BenchArgs.Option(args, "--portwarden") ?? throw new ArgumentException("--portwarden PATH is required");
        var runs = int.Parse(BenchArgs.Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("portwarden-bench-");
        await using var lab = new NetworkLab();

        var single = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10] }).ConfigureAwait(false);
        foreach (var port in new[] { 22, 25, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 11211, 27017, 31337, 40000, 50000, 65535 })
        {
            single.Listen(port);
        }

        var liveOctets = Enumerable.Range(0, 30).Select(i => 3 + (i * 8)).ToArray();
        var network = await lab.AddHostAsync(new LabHostOptions { LiveHosts = liveOctets }).ConfigureAwait(false);
        var random = new Random(42);
        foreach (var octet in liveOctets)
        {
            foreach (var port in CommonPorts.Concat(Enumerable.Range(0, 3).Select(_ => random.Next(1, 1001))).Distinct())
            {
                network.Listen(port, network.AddressAt(octet));
            }
        }

        // nmap -Pn probes every port of the 224 dead addresses and needs minutes for the network, so that
        // scenario runs once; the single host runs --runs times and reports the median.
        var scenarios = new (string Name, string Target, string Ports, int Runs)[]
        {
            ("one host, ports 1-65535", single.Address.ToString(), "1-65535", runs),
            ("254 addresses (30 live), ports 1-1000", network.Range(1, 254), "1-1000", 1),
        };

        Console.WriteLine($"{"scenario",-40} {"portwarden",12} {"nmap",12} {"ratio",7}  same open ports");
        var allSame = true;
        foreach (var (name, target, ports, count) in scenarios)
        {
            var ours = new List<TimeSpan>();
            var theirs = new List<TimeSpan>();
            var same = true;
            for (var run = 0; run < count; run++)
            {
                var json = Path.Combine(work.FullName, "portwarden.json");
                var xml = Path.Combine(work.FullName, "nmap.xml");
                ours.Add(await Timed.RunAsync(portwarden, "scan", target, "-p", ports, "--format", "json", "-o", json, "--no-progress").ConfigureAwait(false));
                theirs.Add(await Timed.RunAsync("nmap", "-sT", "-n", "-Pn", "-T4", "-p", ports, "-oX", xml, target).ConfigureAwait(false));
                var (a, b) = (OpenPortsOfPortWarden(json), OpenPortsOfNmap(xml));
                if (!a.SetEquals(b))
                {
                    same = false;
                    Console.Error.WriteLine($"  {name}: only PortWarden: {string.Join(' ', a.Except(b))}; only nmap: {string.Join(' ', b.Except(a))}");
                }
            }

            allSame &= same;
            var (mine, nmap) = (Timed.Median(ours), Timed.Median(theirs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-40} {mine.TotalSeconds,10:0.000} s {nmap.TotalSeconds,10:0.000} s {mine / nmap,7:0.00}  {(same ? "yes" : "NO")}"));
        }

        Console.WriteLine($"(times are medians; ratio = PortWarden time / nmap time, goal <= 1.0)");
        work.Delete(recursive: true);
        return allSame ? 0 : 1;
    }

    private static HashSet<string> OpenPortsOfPortWarden(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("hosts").EnumerateArray()
            .SelectMany(host => host.GetProperty("ports").EnumerateArray()
                .Where(port => port.GetProperty("state").GetString() == "open")
                .Select(port => $"{host.GetProperty("address").GetString()}:{port.GetProperty("port").GetInt32()}"))
            .ToHashSet();
    }

    private static HashSet<string> OpenPortsOfNmap(string path) =>
        XDocument.Load(path).Descendants("host")
            .SelectMany(host => host.Descendants("port")
                .Where(port => port.Element("state")?.Attribute("state")?.Value == "open")
                .Select(port => $"{host.Element("address")!.Attribute("addr")!.Value}:{port.Attribute("portid")!.Value}"))
            .ToHashSet();
}
