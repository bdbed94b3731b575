using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace PortWarden.Bench;

/// <summary>
/// `portwarden diff` against nmap's `ndiff` on the same pair of nmap XML files, in one run: time, peak memory
/// and whether both find the same hosts changed. The files are generated (no scanning): hosts with 20 listed
/// ports each, service versions, and in the second scan ports opened and closed, versions changed, hosts
/// gone down, added and removed.
/// </summary>
internal static class DiffVersusNdiff
{
    public static async Task<int> RunAsync(string[] args)
    {
        var portwarden = BenchArgs.Option(args, "--portwarden") ?? throw new ArgumentException("--portwarden PATH is required");
        var ndiff = BenchArgs.Option(args, "--ndiff") ?? "ndiff";
        var work = Directory.CreateTempSubdirectory("portwarden-diff-bench-");
        Console.WriteLine($"{"scenario",-28} {"portwarden",12} {"ndiff",12} {"ratio",6} {"pw memory",10} {"ndiff memory",13}  same hosts changed");
        var allSame = true;
        foreach (var hosts in new[] { 1_000, 10_000, 50_000 })
        {
            var old = Path.Combine(work.FullName, $"old-{hosts}.xml");
            var current = Path.Combine(work.FullName, $"new-{hosts}.xml");
            await File.WriteAllTextAsync(old, Scan(hosts, changed: false)).ConfigureAwait(false);
            await File.WriteAllTextAsync(current, Scan(hosts, changed: true)).ConfigureAwait(false);

            var ours = await Measured.RunAsync(portwarden, "diff", old, current).ConfigureAwait(false);
            var theirs = await Measured.RunAsync(ndiff, old, current).ConfigureAwait(false);
            var ourHosts = ChangedHostsOfPortWarden((await Measured.RunAsync(portwarden, "diff", old, current, "--format", "json").ConfigureAwait(false)).Output);
            var theirHosts = ChangedHostsOfNdiff((await Measured.RunAsync(ndiff, "--xml", old, current).ConfigureAwait(false)).Output);
            var same = ourHosts.SetEquals(theirHosts);
            allSame &= same;
            if (!same)
            {
                Console.Error.WriteLine($"  only portwarden: {string.Join(' ', ourHosts.Except(theirHosts).Take(10))}; only ndiff: {string.Join(' ', theirHosts.Except(ourHosts).Take(10))}");
            }

            var size = new FileInfo(current).Length / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{$"{hosts} hosts ({size:0} MB each)",-28} {ours.Time.TotalSeconds,10:0.000} s {theirs.Time.TotalSeconds,10:0.000} s {ours.Time / theirs.Time,6:0.00} " +
                $"{ours.PeakBytes / 1e6,7:0} MB {theirs.PeakBytes / 1e6,10:0} MB  {(same ? $"yes ({ourHosts.Count})" : "NO")}"));
        }

        Console.WriteLine("(ratio = portwarden time / ndiff time; memory = peak resident set)");
        work.Delete(recursive: true);
        return allSame ? 0 : 1;
    }

    /// <summary>An nmap 7.93-style XML scan of <paramref name="hosts"/> hosts; the "changed" one differs in a known pattern.</summary>
    private static string Scan(int hosts, bool changed)
    {
        var xml = new StringBuilder()
            .AppendLine("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .AppendLine("<!DOCTYPE nmaprun>")
            .AppendLine(CultureInfo.InvariantCulture, $"<nmaprun scanner=\"nmap\" args=\"nmap -sT -sV -v -n -p 1-1000 198.19.0.0/16\" start=\"{(changed ? 1795700000 : 1795600000)}\" version=\"7.93\" xmloutputversion=\"1.05\">")
            .AppendLine("<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"1000\" services=\"1-1000\"/>");
        for (var i = 0; i < hosts; i++)
        {
            // In the new scan the last 1% of the old hosts are gone and 1% new ones follow.
            var index = changed ? i + (hosts / 100) : i;
            var address = $"198.19.{index / 250}.{(index % 250) + 1}";
            var down = changed && index % 200 == 7;
            xml.Append(CultureInfo.InvariantCulture, $"<host starttime=\"1795600000\" endtime=\"1795600001\"><status state=\"{(down ? "down" : "up")}\" reason=\"{(down ? "no-response" : "syn-ack")}\" reason_ttl=\"0\"/>\n");
            xml.Append(CultureInfo.InvariantCulture, $"<address addr=\"{address}\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n");
            if (!down)
            {
                xml.Append("<ports><extraports state=\"closed\" count=\"980\">\n<extrareasons reason=\"conn-refused\" count=\"980\" proto=\"tcp\" ports=\"\"/>\n</extraports>\n");
                for (var p = 0; p < 20; p++)
                {
                    var port = 20 + (p * 47);
                    var open = p % 4 != 3;
                    if (changed && index % 50 == 3 && p == 0)
                    {
                        open = false;
                    }

                    if (changed && index % 50 == 5 && p == 3)
                    {
                        open = true;
                    }

                    var version = changed && index % 100 == 11 && p == 1 ? "2.5" : "2.4";
                    xml.Append(CultureInfo.InvariantCulture, $"<port protocol=\"tcp\" portid=\"{port}\"><state state=\"{(open ? "open" : "closed")}\" reason=\"{(open ? "syn-ack" : "conn-refused")}\" reason_ttl=\"0\"/>");
                    xml.Append(open
                        ? string.Create(CultureInfo.InvariantCulture, $"<service name=\"http\" product=\"Apache httpd\" version=\"{version}\" extrainfo=\"(Debian)\" method=\"probed\" conf=\"10\"><cpe>cpe:/a:apache:http_server:{version}</cpe></service></port>\n")
                        : "<service name=\"unknown\" method=\"table\" conf=\"3\"/></port>\n");
                }

                xml.Append("</ports>\n");
            }

            xml.Append("<times srtt=\"100\" rttvar=\"50\" to=\"100000\"/>\n</host>\n");
        }

        return xml.Append(CultureInfo.InvariantCulture, $"<runstats><finished time=\"1795600100\" exit=\"success\"/><hosts up=\"{hosts}\" down=\"0\" total=\"{hosts}\"/></runstats>\n</nmaprun>\n").ToString();
    }

    private static HashSet<string> ChangedHostsOfPortWarden(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("hosts").EnumerateArray().Select(host => host.GetProperty("address").GetString()!).ToHashSet();
    }

    private static HashSet<string> ChangedHostsOfNdiff(string xml) =>
        XDocument.Parse(xml).Descendants("hostdiff")
            .Select(diff => diff.Descendants("address").First(a => a.Attribute("addrtype")?.Value == "ipv4").Attribute("addr")!.Value)
            .ToHashSet();
}
