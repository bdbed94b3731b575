using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Core.Alerts;

/// <summary>A rule's match, parsed once: tests events against it.</summary>
public sealed class AlertFilter
{
    private readonly HashSet<EventType>? types;
    private readonly Classification? classification;
    private readonly HashSet<string>? devices;
    private readonly TargetSpec? hosts;
    private readonly PortSet? tcp;
    private readonly PortSet? udp;

    public AlertFilter(AlertMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        types = match.Types is { Count: > 0 } names
            ? names.Select(name => EventTypeNames.TryParse(name, out var type) ? type : throw new FormatException($"'{name}' is not an event type")).ToHashSet()
            : null;
        classification = ClassificationNames.Parse(match.Classification);
        devices = match.Devices is { Count: > 0 } list ? list.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        hosts = match.Hosts is null ? null : TargetSpec.Parse(match.Hosts, "alert host");
        if (match.Ports is not null)
        {
            var spec = PortSpec.Parse(match.Ports);
            (tcp, udp) = (spec.For(Protocol.Tcp), spec.For(Protocol.Udp));
        }
    }

    public bool Matches(TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (types is null ? !e.Type.IsChange() : !types.Contains(e.Type))
        {
            return false;
        }

        if (classification is { } wanted && e.Classification != wanted)
        {
            return false;
        }

        if (devices is not null && !devices.Contains(e.Device))
        {
            return false;
        }

        if (hosts is not null && (e.Host is null || !IPAddress.TryParse(e.Host, out var address) || !hosts.Contains(address)))
        {
            return false;
        }

        // A rule about some ports takes only events of those ports, not a whole host coming or going.
        return tcp is null || (e.Key is { } key && (key.Protocol == Protocol.Tcp ? tcp : udp!).Contains(key.Port));
    }
}
