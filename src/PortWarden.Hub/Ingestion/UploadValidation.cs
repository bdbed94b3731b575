using System.Net;
using PortWarden.Agent.Wire;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning;
using PortWarden.Scanning.Local;

namespace PortWarden.Hub.Ingestion;

/// <summary>
/// Checks an upload against what the hub assigned, before anything of it is recorded: the engine is the tracker's,
/// every port (requested, open, in another state, undecided) is one the tracker scans with that engine, every host is
/// one of the device's targets (of the shard's block, for a shard), the times are plausible on the hub's clock, and
/// the counts make sense. An agent is trusted to scan, not to decide what it was asked: anything else is refused with
/// <see cref="IngestionException"/> (400) naming the field, so a buggy or hostile agent cannot write a false change.
/// </summary>
/// <remarks>
/// A self-scan (local engine) reports the addresses its sockets are bound to on the agent's own machine (wildcards,
/// loopback, interface addresses): the hub cannot know that machine's interfaces and the device has no targets, so
/// its hosts are not checked against targets; its ports, engine, clock and counts are.
/// </remarks>
public sealed class UploadValidation(IPortWardenStore store, IHostResolver resolver, TimeProvider time, HubOptions options)
{
    /// <summary>Refuses (throws) an upload that does not fit <paramref name="tracker"/> of <paramref name="device"/>.</summary>
    public async Task CheckAsync(PollUpload upload, Tracker tracker, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(device);
        CheckClock(upload);
        if (!string.Equals(upload.Engine, tracker.Engine, StringComparison.OrdinalIgnoreCase))
        {
            throw Refused("engine", $"'{upload.Engine}' is not the engine of tracker '{tracker.Name}' ('{tracker.Engine}')");
        }

        var (tcp, udp) = RequestedPorts(upload, Assigned(tracker));
        var targets = tracker.Engine.Equals(LocalEngine.EngineName, StringComparison.OrdinalIgnoreCase)
            ? null
            : await TargetsAsync(upload, tracker, device, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<IPAddress>();
        for (var h = 0; h < upload.Hosts.Count; h++)
        {
            CheckHost(upload.Hosts[h], $"hosts[{h}]", tcp, udp, targets, seen);
        }
    }

    private void CheckClock(PollUpload upload)
    {
        var now = time.GetUtcNow();
        var latest = now + options.UploadClockSkew;
        if (upload.StartedAt > latest)
        {
            throw Refused("startedAt", $"{upload.StartedAt:O} is in the future (the hub's clock says {now:O}; allowed skew {options.UploadClockSkew})");
        }

        if (upload.FinishedAt > latest)
        {
            throw Refused("finishedAt", $"{upload.FinishedAt:O} is in the future (the hub's clock says {now:O}; allowed skew {options.UploadClockSkew})");
        }

        if (upload.StartedAt < now - options.UploadMaxAge)
        {
            throw Refused("startedAt", $"{upload.StartedAt:O} is more than {options.UploadMaxAge.TotalDays:0} days before the hub's clock ({now:O})");
        }

        if (upload.StartedAt > upload.FinishedAt)
        {
            throw Refused("finishedAt", $"{upload.FinishedAt:O} is before startedAt {upload.StartedAt:O}");
        }
    }

    /// <summary>The ports the tracker has its engine scan, planned exactly as the agent plans them; none when the tracker cannot be planned.</summary>
    private (PortSet Tcp, PortSet Udp) Assigned(Tracker tracker)
    {
        try
        {
            var plan = ScanPlan.Choose(tracker.Engine, PortSpec.Parse(tracker.Ports, tracker.ExcludePorts), explicitSpec: true, time);
            return (plan.Tcp, plan.Udp);
        }
        catch (Exception error) when (error is ScanEngineException or SpecFormatException)
        {
            // Such a tracker makes its agents upload a failed poll with no ports: that is all it may report.
            return (PortSet.Empty, PortSet.Empty);
        }
    }

    /// <summary>The upload's own port lists, which must be part of what was assigned (a shard or a resumed poll may ask less, never more).</summary>
    private static (PortSet Tcp, PortSet Udp) RequestedPorts(PollUpload upload, (PortSet Tcp, PortSet Udp) assigned)
    {
        PortSet tcp, udp;
        try
        {
            (tcp, udp) = UploadRecords.RequestedPorts(upload);
        }
        catch (UploadException error)
        {
            throw Refused(error.Field, error.Message);
        }

        Within(tcp, assigned.Tcp, "tcpPorts", "TCP");
        Within(udp, assigned.Udp, "udpPorts", "UDP");
        return (tcp, udp);

        static void Within(PortSet ports, PortSet allowed, string field, string protocol)
        {
            if (ports.Ports().FirstOrDefault(port => !allowed.Contains(port)) is var outside and > 0)
            {
                throw Refused(field, $"{protocol} port {outside} is not one the tracker scans ({(allowed.IsEmpty ? "no " + protocol + " ports" : allowed.ToString())})");
            }
        }
    }

    /// <summary>The addresses the upload may report: the shard's block for a shard, else the device's targets.</summary>
    private async Task<TargetSpec> TargetsAsync(PollUpload upload, Tracker tracker, Device device, CancellationToken cancellationToken)
    {
        if (upload.ShardId is not { } shardId)
        {
            return await ParseAsync(device.Targets, "device targets", cancellationToken).ConfigureAwait(false);
        }

        var block = await store.GetShardBlockAsync(shardId, cancellationToken).ConfigureAwait(false);
        if (block is null || block.PollId != upload.PollId || block.TrackerId != tracker.Id)
        {
            throw Refused("shardId", block is null ? $"there is no shard {shardId}" : $"shard {shardId} is not part of poll {upload.PollId} of tracker {tracker.Id}");
        }

        return await ParseAsync(block.Targets, "shard targets", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses stored targets; host names are resolved by the hub too, but a host the agent names after one of them
    /// counts as inside even when the hub's DNS answers differently (it may see another view of the network).
    /// </summary>
    private async Task<TargetSpec> ParseAsync(string text, string kind, CancellationToken cancellationToken)
    {
        var spec = TargetSpec.Parse(text, kind);
        try
        {
            return await spec.ResolveAsync(resolver, cancellationToken, kind).ConfigureAwait(false);
        }
        catch (SpecFormatException)
        {
            return spec;
        }
    }

    private static void CheckHost(HostUpload host, string field, PortSet tcp, PortSet udp, TargetSpec? targets, HashSet<IPAddress> seen)
    {
        if (!IPAddress.TryParse(host.Address, out var address))
        {
            throw Refused($"{field}.address", $"'{host.Address}' is not an IP address");
        }

        if (!seen.Add(address))
        {
            throw Refused($"{field}.address", $"{address} is reported twice");
        }

        if (targets is not null && !targets.Contains(address) && !NamedTarget(targets, host.HostName))
        {
            throw Refused($"{field}.address", $"{address} is not one of the targets '{targets.Text}'");
        }

        if (host.Open < 0 || host.Closed < 0 || host.Filtered < 0)
        {
            var name = host.Open < 0 ? "open" : host.Closed < 0 ? "closed" : "filtered";
            throw Refused($"{field}.{name}", $"a count cannot be negative ({(name == "open" ? host.Open : name == "closed" ? host.Closed : host.Filtered)})");
        }

        if ((long)host.Open + host.Closed + host.Filtered > tcp.Count + udp.Count)
        {
            throw Refused($"{field}.open", $"{host.Open} open + {host.Closed} closed + {host.Filtered} filtered is more than the {tcp.Count + udp.Count} port(s) the poll scanned");
        }

        if (host.State == "down" && (host.Open > 0 || host.OpenPorts.Count > 0))
        {
            throw Refused($"{field}.openPorts", "a host that is down has no open ports");
        }

        var listed = new HashSet<PortKey>();
        for (var p = 0; p < host.OpenPorts.Count; p++)
        {
            var port = host.OpenPorts[p];
            var portField = $"{field}.openPorts[{p}]";
            if (!ProtocolNames.TryParse(port.Protocol, out var protocol))
            {
                throw Refused($"{portField}.protocol", $"'{port.Protocol}' is neither tcp nor udp");
            }

            Requested(new PortKey(protocol, port.Port), $"{portField}.port", tcp, udp);
            if (!listed.Add(new PortKey(protocol, port.Port)))
            {
                throw Refused($"{portField}.port", $"{protocol.ToWireName()}/{port.Port} is listed twice");
            }
        }

        for (var g = 0; g < host.OtherPorts.Count; g++)
        {
            AllRequested(host.OtherPorts[g].Ports, $"{field}.otherPorts[{g}].ports", tcp, udp);
        }

        if (host.Undecided is { } undecided)
        {
            AllRequested(undecided, $"{field}.undecided", tcp, udp);
        }
    }

    private static bool NamedTarget(TargetSpec targets, string? hostName) =>
        hostName is not null && targets.Entries.Any(entry =>
            (entry is HostNameEntry { PrefixLength: null } name && string.Equals(name.Name, hostName, StringComparison.OrdinalIgnoreCase))
            || (entry is SingleAddressEntry { HostName: { } resolved } && string.Equals(resolved, hostName, StringComparison.OrdinalIgnoreCase)));

    private static void AllRequested(string text, string field, PortSet tcp, PortSet udp)
    {
        PortSpec spec;
        try
        {
            spec = PortSpec.Parse(text);
        }
        catch (SpecFormatException error)
        {
            throw Refused(field, error.Message);
        }

        foreach (var protocol in new[] { Protocol.Tcp, Protocol.Udp })
        {
            foreach (var port in spec.For(protocol).Ports())
            {
                Requested(new PortKey(protocol, port), field, tcp, udp);
            }
        }
    }

    private static void Requested(PortKey key, string field, PortSet tcp, PortSet udp)
    {
        if (!(key.Protocol == Protocol.Tcp ? tcp : udp).Contains(key.Port))
        {
            throw Refused(field, $"{key.Protocol.ToWireName()}/{key.Port} is not one of the ports the poll scanned");
        }
    }

    private static IngestionException Refused(string field, string message) => new(StatusCodes.Status400BadRequest, field, message);
}
