using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>
/// The confirmed state of one port of one host (open, or not open with a change pending), with what was last
/// known about its service and owner. Ports that are closed and have nothing pending are not kept.
/// </summary>
public sealed record PortBaseline(PortKey Key, bool Open)
{
    public string? Service { get; init; }

    public ServiceDetail? Detail { get; init; }

    public OwningProcess? Process { get; init; }

    public IPAddress? BindAddress { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastChanged { get; init; }

    public PendingChange? Pending { get; init; }

    /// <summary>
    /// True when what runs behind the port differs (service, product/version, owning program); a new pid of the same
    /// program is no change, nor is a service name the engine only looked up by port number (<see cref="Observation.ServiceGuessed"/>).
    /// </summary>
    public bool ServiceDiffers(Observation observation) =>
        (!observation.ServiceGuessed && (!string.Equals(Service, observation.Service, StringComparison.Ordinal) || Detail != observation.Detail))
        || !SameProgram(Process, observation.Process)
        || !Equals(BindAddress, observation.BindAddress);

    private static bool SameProgram(OwningProcess? a, OwningProcess? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Name == b.Name && a.ExecutablePath == b.ExecutablePath && a.User == b.User;
}
