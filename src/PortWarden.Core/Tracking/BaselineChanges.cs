using PortWarden.Core.Ports;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tracking;

/// <summary>The rows a poll changes in its device's baseline: hosts and ports written (added or updated) and ports removed.</summary>
public sealed record BaselineChanges(
    IReadOnlyList<HostBaseline> Hosts,
    IReadOnlyList<(string Host, PortBaseline Port)> Ports,
    IReadOnlyList<(string Host, PortKey Key)> RemovedPorts)
{
    public static BaselineChanges None { get; } = new([], [], []);

    /// <summary>The device's coverage after the poll (every address ever decided), or null to leave it as stored.</summary>
    public AddressRanges? Decided { get; init; }

    /// <summary>The baseline as it is after these changes.</summary>
    public DeviceBaseline ApplyTo(DeviceBaseline before)
    {
        var hosts = before.Hosts.ToDictionary(pair => pair.Key, pair => pair.Value);
        var ports = new Dictionary<string, Dictionary<PortKey, PortBaseline>>();
        Dictionary<PortKey, PortBaseline> PortsOf(string host)
        {
            if (!ports.TryGetValue(host, out var map))
            {
                map = hosts.TryGetValue(host, out var existing) ? existing.Ports.ToDictionary(p => p.Key, p => p.Value) : [];
                ports[host] = map;
            }

            return map;
        }

        foreach (var host in Hosts)
        {
            PortsOf(host.Address);
            hosts[host.Address] = host;
        }

        foreach (var (host, port) in Ports)
        {
            PortsOf(host)[port.Key] = port;
        }

        foreach (var (host, key) in RemovedPorts)
        {
            PortsOf(host).Remove(key);
        }

        foreach (var (address, map) in ports)
        {
            hosts[address] = hosts[address] with { Ports = map };
        }

        return before with { Hosts = hosts };
    }
}
