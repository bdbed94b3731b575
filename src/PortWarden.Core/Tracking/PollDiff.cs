using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tracking;

/// <summary>
/// Compares one poll with its device's baseline, host by host as the scan streams in, and produces the
/// events and baseline changes the poll records. This is the one place where the truth of the log is
/// decided, for every path (track, import, agent uploads, shards):
/// <list type="bullet">
/// <item>Only what a poll decided can change: a host without a report, a port it did not request or could not
/// decide, or a UDP port that is only open|filtered, keeps its state.</item>
/// <item>A host decided for the first time (never decided before, up or down) joins the baseline quietly: only a
/// host decided down before can come up. So a failed first poll, or a failed shard, establishes nothing.</item>
/// <item>A poll older than the newest one applied to the device is history: recorded, but it changes nothing.</item>
/// <item>A self-scan device is one machine: the addresses its sockets are bound to are not hosts that go up or down.</item>
/// </list>
/// A host that goes down raises one host-down, not a port-closed per port. With
/// <see cref="TrackingPolicy.ConfirmPolls"/> above 1 a change must be seen that many polls in a row.
/// Memory: the baseline, plus the hosts in progress, plus the changes.
/// </summary>
public sealed class PollDiff
{
    private const string Up = "up";
    private const string Down = "down";
    private const string OpenState = "open";
    private const string ClosedState = "closed";

    private readonly DeviceBaseline baseline;
    private readonly PollContext context;
    private readonly TrackingPolicy policy;
    private readonly ChangeClassifier classifier;
    private readonly Dictionary<string, HostInProgress> inProgress = [];
    private readonly List<HostBaseline> hostChanges = [];
    private readonly List<(string, PortBaseline)> portChanges = [];
    private readonly List<(string, PortKey)> removedPorts = [];
    private readonly List<TrackEvent> changes = [];
    private readonly AddressRanges.Builder decided = new();
    private readonly HashSet<string> reported = [];
    private readonly Lazy<TargetSpec?> legacyTargets;
    private readonly bool late;
    private bool anyUndecided;
    private int hostsUp;
    private int hostsDown;
    private long open;
    private long closed;
    private long filtered;

    public PollDiff(DeviceBaseline baseline, PollContext context, TrackingPolicy policy, ChangeClassifier classifier)
    {
        this.baseline = baseline;
        this.context = context;
        this.policy = policy;
        this.classifier = classifier;
        late = baseline.Device.LastPollAt is { } last && context.StartedAt < last;
        legacyTargets = new(() => baseline.LegacyCoverage ? ParseTargets(baseline.Device.Targets) : null);
    }

    private bool Established => baseline.Device.BaselineEstablished;

    private bool SelfScan => baseline.Device.Kind == DeviceKind.Self;

    /// <summary>Takes the next record of the scan; a host is compared when its report arrives.</summary>
    public void Add(ScanRecord record)
    {
        var address = record.Target.Address.ToString();
        switch (record)
        {
            case Observation observation:
                if (!inProgress.TryGetValue(address, out var host))
                {
                    inProgress[address] = host = new HostInProgress();
                }

                host.Add(observation, baseline.Hosts.GetValueOrDefault(address));
                break;
            case HostReport report:
                inProgress.Remove(address, out var finished);
                CompareHost(address, report, finished ?? new HostInProgress());
                break;
        }
    }

    /// <summary>Ends the poll: the poll record, every event (changes, then baseline and poll-completed) and the baseline changes.</summary>
    public PollResult Finish(DateTimeOffset finishedAt, string engine, string? error)
    {
        if (SelfScan && !late && error is null && hostsUp > 0)
        {
            CloseSocketsOfVanishedAddresses();
        }

        var hosts = hostsUp + hostsDown;
        var counts = new PollCounts(hosts, hostsUp, hostsDown, context.PortsRequested * hosts, open, closed, filtered, changes.Count);
        var outcome = PollOutcomeNames.Of(hosts, anyUndecided, error);
        var poll = new PollRecord(context.PollId, baseline.Device.Id, context.TrackerId, engine, context.StartedAt, finishedAt, counts, error)
        {
            Outcome = outcome,
            Applied = !late,
            Note = late
                ? $"observed at {context.StartedAt:u}, before the newest poll already applied ({baseline.Device.LastPollAt:u}): kept as history, the baseline was not changed"
                : outcome == PollOutcome.Failed ? "nothing was decided: the baseline is unchanged" : null,
        };
        var now = context.Time.GetUtcNow();
        if (!poll.Decided)
        {
            return new PollResult(poll, BaselineChanges.None, [PollEvents.PollCompleted(baseline.Device, poll, now)], EstablishesBaseline: false);
        }

        var coverage = decided.Build();
        var changeSet = new BaselineChanges(hostChanges, portChanges, removedPorts)
        {
            // A device whose coverage predates this record keeps counting its targets as decided.
            Decided = baseline.LegacyCoverage ? null : baseline.Decided.Union(coverage),
        };
        var events = new List<TrackEvent>(changes);
        if (policy.SendBaselineEvents)
        {
            events.Add(PollEvents.Baseline(baseline.Device, context.PollId, changeSet.ApplyTo(baseline), finishedAt, now));
        }

        events.Add(PollEvents.PollCompleted(baseline.Device, poll, now));
        return new PollResult(poll, changeSet, events, EstablishesBaseline: !Established);
    }

    private void CompareHost(string address, HostReport report, HostInProgress seen)
    {
        var before = baseline.Hosts.GetValueOrDefault(address);
        var now = context.ObservedAt ?? context.Time.GetUtcNow();
        anyUndecided |= report.Undecided.Count > 0;
        reported.Add(address);
        if (report.State == HostState.Down)
        {
            hostsDown++;
            if (!late)
            {
                decided.Add(report.Target.Address);
                CompareDownHost(address, before, now);
            }

            return;
        }

        hostsUp++;
        open += report.Counts.Open;
        closed += report.Counts.Closed;
        filtered += report.Counts.Filtered;
        if (late)
        {
            return;
        }

        decided.Add(report.Target.Address);
        var host = CompareUpHost(address, before, report.Target.HostName, now);
        // The ports of a host new to the baseline are its first state, not changes; on a self-scan device a new
        // bind address is no new host, so its sockets are compared once the device has a baseline.
        var quiet = before is null && (SelfScan ? !Established : !WasDecided(report.Target.Address));
        ComparePorts(host, before, report, seen, now, quiet);
    }

    /// <summary>
    /// A complete self-scan read the whole socket table: an address of the baseline it did not report has no sockets
    /// any more (the interface went away), so the sockets that were bound to it have closed.
    /// </summary>
    private void CloseSocketsOfVanishedAddresses()
    {
        var now = context.ObservedAt ?? context.Time.GetUtcNow();
        foreach (var host in baseline.Hosts.Values.Where(host => !reported.Contains(host.Address)))
        {
            foreach (var port in host.Ports.Values.Where(port => context.Requested(port.Key)).ToList())
            {
                ComparePortSeenNotOpen(host, port, PortState.Closed, null, now);
            }
        }
    }

    /// <summary>Whether an earlier poll decided the address (a device that predates recorded coverage: any of its targets).</summary>
    private bool WasDecided(IPAddress address) =>
        baseline.Decided.Contains(address) || legacyTargets.Value?.Contains(address) == true;

    private static TargetSpec? ParseTargets(string targets)
    {
        try
        {
            return TargetSpec.Parse(targets, "device target");
        }
        catch (SpecFormatException)
        {
            return null;
        }
    }

    private void CompareDownHost(string address, HostBaseline? before, DateTimeOffset now)
    {
        if (before is null)
        {
            return;
        }

        if (SelfScan)
        {
            // An address of this machine without sockets is not a host gone down (the engine reports none anyway).
            return;
        }

        if (before.State == HostState.Down)
        {
            if (before.Pending is not null)
            {
                hostChanges.Add(before with { Pending = null });
            }

            return;
        }

        var pending = PendingChange.Next(before.Pending, Down, ChangedAfter, now);
        if (pending.Count < policy.ConfirmPolls)
        {
            hostChanges.Add(before with { Pending = pending });
            return;
        }

        hostChanges.Add(before with { State = HostState.Down, LastChanged = now, Pending = null });
        Change(NewChange(EventType.HostDown, pending, address, before.HostName) with { OldState = Up, NewState = Down });
    }

    private HostBaseline CompareUpHost(string address, HostBaseline? before, string? reportedName, DateTimeOffset now)
    {
        var hostName = reportedName ?? before?.HostName;
        if (before is null && (SelfScan || !WasDecided(IPAddress.Parse(address))))
        {
            var first = new HostBaseline(address, HostState.Up) { HostName = hostName, FirstSeen = now, LastChanged = now };
            hostChanges.Add(first);
            return first;
        }

        if (before is { State: HostState.Up })
        {
            var same = before with { HostName = hostName, Pending = null };
            if (same != before)
            {
                hostChanges.Add(same);
            }

            return same;
        }

        var pending = PendingChange.Next(before?.Pending, Up, ChangedAfter, now);
        var firstSeen = before?.FirstSeen ?? now;
        if (pending.Count < policy.ConfirmPolls)
        {
            var waiting = (before ?? new HostBaseline(address, HostState.Down) { FirstSeen = firstSeen, LastChanged = now })
                with
            { HostName = hostName, Pending = pending };
            hostChanges.Add(waiting);
            return waiting;
        }

        var up = (before ?? new HostBaseline(address, HostState.Up)) with
        {
            State = HostState.Up,
            HostName = hostName,
            FirstSeen = firstSeen,
            LastChanged = now,
            Pending = null,
        };
        hostChanges.Add(up);
        Change(NewChange(EventType.HostUp, pending, address, hostName) with { OldState = before is null ? null : Down, NewState = Up });
        return up;
    }

    private void ComparePorts(HostBaseline host, HostBaseline? before, HostReport report, HostInProgress seen, DateTimeOffset now, bool quiet)
    {
        var known = before?.Ports ?? host.Ports;
        foreach (var observation in seen.Open)
        {
            known.TryGetValue(observation.Key, out var port);
            ComparePortSeenOpen(host, port, observation, now, quiet);
        }

        if (before is null)
        {
            return;
        }

        var undecided = report.Undecided.Count == 0 ? null : report.Undecided.ToHashSet();
        foreach (var port in before.Ports.Values)
        {
            if (seen.IsOpen(port.Key) || !context.Requested(port.Key) || undecided?.Contains(port.Key) == true)
            {
                continue;
            }

            var state = seen.NotOpen.TryGetValue(port.Key, out var observation) ? observation.State : PortState.Closed;
            if (state == PortState.OpenFiltered)
            {
                // Silence on UDP proves nothing: the port keeps its state.
                continue;
            }

            ComparePortSeenNotOpen(host, port, state, observation, now);
        }
    }

    private void ComparePortSeenOpen(HostBaseline host, PortBaseline? port, Observation observation, DateTimeOffset now, bool quiet)
    {
        if (quiet)
        {
            portChanges.Add((host.Address, Opened(null, observation, now)));
            return;
        }

        if (port is { Open: true })
        {
            if (port.ServiceDiffers(observation))
            {
                var updated = Opened(port, observation, port.LastChanged);
                portChanges.Add((host.Address, updated));
                Change(NewChange(EventType.ServiceChanged, new PendingChange(OpenState, 1, ChangedAfter, now), host.Address, host.HostName) with
                {
                    Protocol = observation.Protocol,
                    Port = observation.Port,
                    OldState = OpenState,
                    NewState = OpenState,
                    Service = observation.Service,
                    OldService = port.Service,
                    Detail = observation.Detail,
                    OldDetail = port.Detail,
                    Process = observation.Process,
                    OldProcess = port.Process,
                    BindAddress = observation.BindAddress,
                });
            }
            else if (port.Pending is not null)
            {
                portChanges.Add((host.Address, port with { Pending = null }));
            }

            return;
        }

        var pending = PendingChange.Next(port?.Pending, OpenState, ChangedAfter, now);
        if (pending.Count < policy.ConfirmPolls)
        {
            portChanges.Add((host.Address, (port ?? new PortBaseline(observation.Key, false) { FirstSeen = now, LastChanged = now }) with { Pending = pending }));
            return;
        }

        portChanges.Add((host.Address, Opened(port, observation, now)));
        Change(NewChange(EventType.PortOpened, pending, host.Address, host.HostName) with
        {
            Protocol = observation.Protocol,
            Port = observation.Port,
            OldState = ClosedState,
            NewState = OpenState,
            Service = observation.Service,
            Detail = observation.Detail,
            Process = observation.Process,
            BindAddress = observation.BindAddress,
        });
    }

    private void ComparePortSeenNotOpen(HostBaseline host, PortBaseline port, PortState state, Observation? observation, DateTimeOffset now)
    {
        if (!port.Open)
        {
            // An opening that was pending did not last: nothing changed.
            removedPorts.Add((host.Address, port.Key));
            return;
        }

        var pending = PendingChange.Next(port.Pending, ClosedState, ChangedAfter, now);
        if (pending.Count < policy.ConfirmPolls)
        {
            portChanges.Add((host.Address, port with { Pending = pending }));
            return;
        }

        removedPorts.Add((host.Address, port.Key));
        Change(NewChange(EventType.PortClosed, pending, host.Address, host.HostName) with
        {
            Protocol = port.Key.Protocol,
            Port = port.Key.Port,
            OldState = OpenState,
            NewState = state.ToWireName(),
            Service = port.Service,
            OldService = port.Service,
            OldDetail = port.Detail,
            OldProcess = port.Process,
            BindAddress = port.BindAddress,
            Payload = PollPayloads.Reason(observation?.Reason),
        });
    }

    private static PortBaseline Opened(PortBaseline? before, Observation observation, DateTimeOffset changedAt) =>
        new(observation.Key, true)
        {
            Service = observation.Service,
            Detail = observation.Detail,
            Process = observation.Process,
            BindAddress = observation.BindAddress,
            FirstSeen = before?.FirstSeen ?? changedAt,
            LastChanged = changedAt,
        };

    private DateTimeOffset ChangedAfter => baseline.Device.LastPollAt ?? context.StartedAt;

    private void Change(TrackEvent change) => changes.Add(classifier.Classify(change));

    private TrackEvent NewChange(EventType type, PendingChange pending, string host, string? hostName) =>
        NewEvent(type, pending.FirstSeenAt) with { ChangedAfter = pending.ChangedAfter, Host = host, HostName = hostName };

    private TrackEvent NewEvent(EventType type, DateTimeOffset occurredAt) =>
        PollEvents.New(type, baseline.Device, context.PollId, occurredAt, context.Time.GetUtcNow());

    /// <summary>What the poll said so far about one host: its open ports, and the other states of ports the baseline has open.</summary>
    private sealed class HostInProgress
    {
        private readonly Dictionary<PortKey, Observation> open = [];

        public Dictionary<PortKey, Observation> NotOpen { get; } = [];

        public IEnumerable<Observation> Open => open.Values;

        public bool IsOpen(PortKey key) => open.ContainsKey(key);

        public void Add(Observation observation, HostBaseline? before)
        {
            if (observation.State == PortState.Open)
            {
                open[observation.Key] = observation;
            }
            else if (before is not null && before.Ports.ContainsKey(observation.Key))
            {
                NotOpen[observation.Key] = observation;
            }
        }
    }
}
