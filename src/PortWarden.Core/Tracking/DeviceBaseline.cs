using PortWarden.Core.Targets;

namespace PortWarden.Core.Tracking;

/// <summary>Everything confirmed about a device: its hosts and their open ports, as of its last poll.</summary>
public sealed record DeviceBaseline(Device Device, IReadOnlyDictionary<string, HostBaseline> Hosts)
{
    /// <summary>
    /// The addresses that some poll of the device has decided (up or down). A host seen up that was never decided
    /// before joins the baseline quietly; only one that was decided down before has come up.
    /// </summary>
    public AddressRanges Decided { get; init; } = AddressRanges.Empty;

    /// <summary>True for a device established before its coverage was recorded (its stored coverage is null).</summary>
    public bool LegacyCoverage { get; init; }

    public static DeviceBaseline Empty(Device device) => new(device, new Dictionary<string, HostBaseline>());

    public long OpenPortCount => Hosts.Values.Sum(host => (long)host.OpenPorts.Count());
}
