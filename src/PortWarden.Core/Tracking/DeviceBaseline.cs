namespace PortWarden.Core.Tracking;

/// <summary>Everything confirmed about a device: its hosts and their open ports, as of its last poll.</summary>
public sealed record DeviceBaseline(Device Device, IReadOnlyDictionary<string, HostBaseline> Hosts)
{
    public static DeviceBaseline Empty(Device device) => new(device, new Dictionary<string, HostBaseline>());

    public long OpenPortCount => Hosts.Values.Sum(host => (long)host.OpenPorts.Count());
}
