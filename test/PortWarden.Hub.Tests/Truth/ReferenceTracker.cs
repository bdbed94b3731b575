namespace PortWarden.Hub.Tests.Truth;

/// <summary>One host of a poll as the model sees it: up or down, its open ports and the ports it could not decide ("tcp/22").</summary>
internal sealed record ModelHost(string Address, bool Up, IReadOnlySet<string> Open, IReadOnlySet<string> Undecided);

/// <summary>A poll as the model sees it: no hosts with an error is a failed poll; some hosts with an error, a partial one.</summary>
internal sealed record ModelPoll(Guid Id, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error, IReadOnlyList<ModelHost> Hosts)
{
    public string Outcome => Hosts.Count == 0 && Error is not null ? "failed"
        : Error is not null || Hosts.Any(host => host.Undecided.Count > 0) ? "partial"
        : "complete";
}

/// <summary>
/// The truth of a device's log, written from the rules of issue 14 and nothing else (no product code), as the oracle
/// the hub's ingestion is checked against. Polls are taken in delivery order:
/// <list type="bullet">
/// <item>a poll id seen before is a duplicate and does nothing;</item>
/// <item>a poll that started before the newest applied one is history: recorded, changes nothing;</item>
/// <item>a poll that decided no host changes nothing (and does not count as applied);</item>
/// <item>a host is decided when the poll reports it, up or down; a host never decided before that is seen up joins the
/// baseline quietly with its open ports; one decided before (down) that is seen up has come up;</item>
/// <item>ports are decided only on a host reported up, when the poll did not list them as undecided;</item>
/// <item>a change is confirmed when the polls that decide the item agree on it <c>confirmPolls</c> times in a row, and
/// is dated at its first sighting (the finish of the poll that first saw it); a down host keeps its ports.</item>
/// </list>
/// </summary>
internal sealed class ReferenceTracker(int confirmPolls, IReadOnlyList<string> requested)
{
    private readonly HashSet<Guid> recorded = [];
    private readonly HashSet<string> decided = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, KnownHost> hosts = new(StringComparer.Ordinal);
    private readonly List<string> changes = [];
    private readonly List<string> completions = [];

    /// <summary>The start of the newest poll that changed the baseline (the device's "last poll").</summary>
    public DateTimeOffset? LastApplied { get; private set; }

    /// <summary>Change events, one line each: "#delivery type host port @occurredAt".</summary>
    public IReadOnlyList<string> Changes => changes;

    /// <summary>Poll-completed events, one line each: "#delivery outcome applied".</summary>
    public IReadOnlyList<string> Completions => completions;

    /// <summary>Every host the baseline holds with its state and open ports, one line each.</summary>
    public IReadOnlyList<string> Baseline =>
        hosts.Select(pair => BaselineLine(pair.Key, pair.Value.Up, pair.Value.Ports.Where(p => p.Value.Open).Select(p => p.Key))).ToList();

    public static string BaselineLine(string address, bool up, IEnumerable<string> open) =>
        $"{address} {(up ? "up" : "down")} [{string.Join(",", open.Order(StringComparer.Ordinal))}]";

    public static string ChangeLine(int delivery, string type, string host, string? port, DateTimeOffset occurredAt) =>
        $"#{delivery} {type} {host} {port ?? "-"} @{occurredAt.ToUniversalTime():HH:mm:ss}";

    public void Deliver(int delivery, ModelPoll poll)
    {
        if (!recorded.Add(poll.Id))
        {
            return;
        }

        var late = LastApplied is { } last && poll.StartedAt < last;
        completions.Add($"#{delivery} {poll.Outcome} applied={!late}");
        if (late || poll.Hosts.Count == 0)
        {
            return;
        }

        LastApplied = poll.StartedAt;
        var seen = new List<string>();
        foreach (var host in poll.Hosts)
        {
            Decide(host, poll.FinishedAt, seen, delivery);
        }

        // The order of changes within one poll is not part of the contract; between polls it is.
        changes.AddRange(seen.Order(StringComparer.Ordinal));
    }

    private void Decide(ModelHost report, DateTimeOffset at, List<string> seen, int delivery)
    {
        var address = report.Address;
        hosts.TryGetValue(address, out var known);
        var decidedBefore = !decided.Add(address);
        if (!report.Up)
        {
            if (known is null)
            {
                return;
            }

            if (!known.Up)
            {
                known.Pending = null;
                return;
            }

            if (Confirm(ref known.Pending, toward: false, at) is { } down)
            {
                known.Up = false;
                seen.Add(ChangeLine(delivery, "host-down", address, null, down));
            }

            return;
        }

        if (known is null && !decidedBefore)
        {
            var first = new KnownHost { Up = true };
            foreach (var port in report.Open)
            {
                first.Ports[port] = new KnownPort { Open = true };
            }

            hosts[address] = first;
            return;
        }

        if (known is null)
        {
            hosts[address] = known = new KnownHost { Up = false };
        }

        if (known.Up)
        {
            known.Pending = null;
        }
        else if (Confirm(ref known.Pending, toward: true, at) is { } up)
        {
            known.Up = true;
            seen.Add(ChangeLine(delivery, "host-up", address, null, up));
        }

        foreach (var key in requested)
        {
            if (report.Undecided.Contains(key))
            {
                continue;
            }

            known.Ports.TryGetValue(key, out var port);
            if (report.Open.Contains(key))
            {
                if (port is { Open: true })
                {
                    port.Pending = null;
                    continue;
                }

                port ??= known.Ports[key] = new KnownPort { Open = false };
                if (Confirm(ref port.Pending, toward: true, at) is { } opened)
                {
                    port.Open = true;
                    seen.Add(ChangeLine(delivery, "port-opened", address, key, opened));
                }
            }
            else if (port is not null)
            {
                if (!port.Open)
                {
                    // An opening not yet confirmed that did not last: nothing happened.
                    known.Ports.Remove(key);
                }
                else if (Confirm(ref port.Pending, toward: false, at) is { } closed)
                {
                    known.Ports.Remove(key);
                    seen.Add(ChangeLine(delivery, "port-closed", address, key, closed));
                }
            }
        }
    }

    /// <summary>Counts one more sighting of a change; returns its first sighting once confirmed, else null.</summary>
    private DateTimeOffset? Confirm(ref Streak? pending, bool toward, DateTimeOffset at)
    {
        var streak = pending is { } current && current.Toward == toward ? current with { Count = current.Count + 1 } : new Streak(toward, 1, at);
        if (streak.Count >= confirmPolls)
        {
            pending = null;
            return streak.FirstSeen;
        }

        pending = streak;
        return null;
    }

    private sealed record Streak(bool Toward, int Count, DateTimeOffset FirstSeen);

    private sealed class KnownHost
    {
        public bool Up;
        public Streak? Pending;

        public Dictionary<string, KnownPort> Ports { get; } = new(StringComparer.Ordinal);
    }

    private sealed class KnownPort
    {
        public bool Open;
        public Streak? Pending;
    }
}
