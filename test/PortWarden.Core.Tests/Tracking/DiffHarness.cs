using System.Net;
using Microsoft.Extensions.Time.Testing;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Core.Tests.Tracking;

/// <summary>Runs a sequence of polls of one device through the diff, carrying the baseline from poll to poll as the store would.</summary>
internal sealed class DiffHarness
{
    private readonly List<ChangeWindow> windows = [];

    public DiffHarness(TrackingPolicy? policy = null, DeviceKind kind = DeviceKind.Network)
    {
        Policy = policy ?? TrackingPolicy.Default;
        Baseline = DeviceBaseline.Empty(new Device(7, "lab", kind, "10.0.0.0/24", Time.GetUtcNow()));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public TrackingPolicy Policy { get; set; }

    public DeviceBaseline Baseline { get; private set; }

    public PortSet Tcp { get; set; } = PortSpec.Parse("1-1024").For(Protocol.Tcp);

    public PortSet Udp { get; set; } = PortSpec.Parse("U:1-1024").For(Protocol.Udp);

    public void AddWindow(ChangeWindow window) => windows.Add(window);

    /// <summary>One poll: the hosts' records in scan order, then ten minutes pass.</summary>
    public PollResult Poll(params Host[] hosts) => Poll(null, null, hosts);

    /// <summary>One poll that ends with <paramref name="error"/>, started at <paramref name="startedAt"/> (default: now).</summary>
    public PollResult Poll(string? error, DateTimeOffset? startedAt, params Host[] hosts)
    {
        var started = startedAt ?? Time.GetUtcNow();
        var context = new PollContext(Guid.CreateVersion7(started), 1, started, Tcp, Udp, Time);
        var diff = new PollDiff(Baseline, context, Policy, new ChangeClassifier(windows));
        Time.Advance(TimeSpan.FromSeconds(5));
        foreach (var host in hosts)
        {
            foreach (var record in host.Records())
            {
                diff.Add(record);
            }
        }

        var result = diff.Finish(Time.GetUtcNow(), "connect", error);
        if (result.Poll.Decided)
        {
            // What the stores do with a poll that decided something.
            Baseline = result.Changes.ApplyTo(Baseline) with
            {
                Device = Baseline.Device with { BaselineEstablished = true, LastPollAt = Max(Baseline.Device.LastPollAt, started) },
                Decided = result.Changes.Decided ?? Baseline.Decided,
            };
        }

        Time.Advance(TimeSpan.FromMinutes(10));
        return result;
    }

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } value && value > b ? value : b;

    public static Host Up(string address, params int[] openTcp) => new(address, HostState.Up, [.. openTcp.Select(port => Open(Protocol.Tcp, port))]);

    public static Host Down(string address) => new(address, HostState.Down, []);

    public static Observation Open(Protocol protocol, int port, string? service = null, OwningProcess? process = null, ServiceDetail? detail = null) =>
        new(new ScanTarget(IPAddress.Any), protocol, port, PortState.Open, Reasons.SynAck) { Service = service, Process = process, Detail = detail };

    /// <summary>A host as one poll saw it: its state, the observations of its ports, and ports it could not decide.</summary>
    public sealed record Host(string Address, HostState State, IReadOnlyList<Observation> Ports)
    {
        public IReadOnlyList<PortKey> Undecided { get; init; } = [];

        public string? Name { get; init; }

        public Host With(params Observation[] more) => this with { Ports = [.. Ports, .. more] };

        public IEnumerable<ScanRecord> Records()
        {
            var target = new ScanTarget(IPAddress.Parse(Address), Name);
            foreach (var port in Ports)
            {
                yield return port with { Target = target };
            }

            yield return new HostReport(target, State, State == HostState.Up ? Reasons.SynAck : Reasons.NoResponse,
                new PortCounts(Ports.Count(p => p.State == PortState.Open), 0, 0))
            { Undecided = Undecided };
        }
    }
}
