using PortWarden.Core.Scanning;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests.Udp;

/// <summary>The protocol probes against real servers from Debian's packages, each running inside a lab host.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class RealServerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dnsmasq_chrony_memcached_and_net_snmp_are_found_open_and_identified()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        var address = host.Address.ToString();
        var work = Directory.CreateTempSubdirectory("portwarden-servers-");
        try
        {
            var chronyConfig = Path.Combine(work.FullName, "chrony.conf");
            await File.WriteAllTextAsync(chronyConfig, $"local stratum 8\nallow all\nport 123\ncmdport 0\nbindaddress {address}\npidfile {work.FullName}/chronyd.pid\n", Cancel);
            var snmpConfig = Path.Combine(work.FullName, "snmpd.conf");
            await File.WriteAllTextAsync(snmpConfig, "rocommunity public\nsysDescr PortWarden lab agent\n", Cancel);
            await using var dns = LabServer.Start(host, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                $"--listen-address={address}", "--bind-interfaces", "--port=53", "--pid-file", "--user=root");
            await using var ntp = LabServer.Start(host, "chronyd", "-d", "-x", "-u", "root", "-f", chronyConfig);
            await using var memcached = LabServer.Start(host, "memcached", "-U", "11211", "-p", "0", "-l", address, "-u", "nobody");
            await using var snmp = LabServer.Start(host, "snmpd", "-f", "-Lo", "-C", "-c", snmpConfig, "-u", "root", $"udp:{address}:161");
            await WaitForPortsAsync(host, [53, 123, 161, 11211]);

            var result = await UdpScans.RunAsync(address, "53,123,161,11211,12000", cancellationToken: Cancel);

            var dnsPort = result.Port(address, 53);
            Assert.Equal((PortState.Open, "domain", "dnsmasq"), (dnsPort.State, dnsPort.Service, dnsPort.Detail?.Product));
            var ntpPort = result.Port(address, 123);
            Assert.Equal((PortState.Open, "ntp", "NTP", "v4", "stratum 8"), (ntpPort.State, ntpPort.Service, ntpPort.Detail?.Product, ntpPort.Detail?.Version, ntpPort.Detail?.ExtraInfo));
            var snmpPort = result.Port(address, 161);
            Assert.Equal((PortState.Open, "snmp", "v2c", "PortWarden lab agent"), (snmpPort.State, snmpPort.Service, snmpPort.Detail?.Version, snmpPort.Detail?.Banner));
            var memcachedPort = result.Port(address, 11211);
            Assert.Equal((PortState.Open, "memcache", "memcached"), (memcachedPort.State, memcachedPort.Service, memcachedPort.Detail?.Product));
            Assert.Equal(PortState.Closed, result.StateOf(address, 12000));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Waits (bounded) until every port has a UDP socket bound inside the host, as /proc/net/udp shows.</summary>
    private static async Task WaitForPortsAsync(LabHost host, int[] ports)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var table = await host.ExecAsync("cat", "/proc/net/udp");
            var bound = table.Split('\n').Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length > 1)
                .Select(fields => Convert.ToInt32(fields[1].Split(':')[1], 16))
                .ToHashSet();
            if (ports.All(bound.Contains))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
