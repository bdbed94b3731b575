using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>A poll as the API shows it.</summary>
public sealed record PollView(
    Guid Id, long? TrackerId, string Engine, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long DurationMs, bool Running,
    int HostsScanned, int HostsUp, int HostsDown, long PortsScanned, long Open, long Closed, long Filtered, int Changes, string? Error,
    string Outcome, bool Applied, string? Note, long? AgentId)
{
    public static PollView Of(PollRecord poll) => new(
        poll.Id, poll.TrackerId, poll.Engine, poll.StartedAt, poll.Running ? null : poll.FinishedAt, (long)poll.Duration.TotalMilliseconds, poll.Running,
        poll.Counts.HostsScanned, poll.Counts.HostsUp, poll.Counts.HostsDown, poll.Counts.PortsScanned, poll.Counts.Open, poll.Counts.Closed,
        poll.Counts.Filtered, poll.Counts.Changes, poll.Error, poll.Outcome.ToWireName(), poll.Applied, poll.Note, poll.AgentId);
}

/// <summary>One open port of a device's baseline.</summary>
public sealed record BaselinePortView(
    string Protocol, int Port, string? Service, Core.Scanning.ServiceDetail? Detail, Core.Scanning.OwningProcess? Process, string? BindAddress,
    DateTimeOffset FirstSeen, DateTimeOffset LastChanged);

/// <summary>One host of a device's baseline and its open ports.</summary>
public sealed record BaselineHostView(string Address, string? HostName, string State, DateTimeOffset FirstSeen, DateTimeOffset LastChanged, IReadOnlyList<BaselinePortView> Ports)
{
    public static BaselineHostView Of(HostBaseline host) => new(
        host.Address, host.HostName, host.State == Core.Scanning.HostState.Up ? "up" : "down", host.FirstSeen, host.LastChanged,
        host.OpenPorts.OrderBy(p => p.Key).Select(p => new BaselinePortView(
            p.Key.Protocol == Core.Ports.Protocol.Tcp ? "tcp" : "udp", p.Key.Port, p.Service, p.Detail, p.Process, p.BindAddress?.ToString(),
            p.FirstSeen, p.LastChanged)).ToList());
}

/// <summary>A page of events and the cursor for the next one (null at the end).</summary>
public sealed record EventPage(IReadOnlyList<TrackEvent> Items, long? NextCursor);

/// <summary>A planned-change window as the API shows and takes it.</summary>
public sealed record PlannedChangeView(
    long Id, long? DeviceId, string? Targets, string? Ports, string? ExcludePorts, DateTimeOffset From, DateTimeOffset To, string? Reference, string? Description)
{
    public static PlannedChangeView Of(ChangeWindow window) => new(
        window.Id, window.DeviceId, window.Targets, window.Ports, window.ExcludePorts, window.From, window.To, window.Reference, window.Description);
}

/// <summary>What a client sends to create or change a planned-change window.</summary>
public sealed record PlannedChangeInput(long? DeviceId, string? Targets, string? Ports, string? ExcludePorts, DateTimeOffset? From, DateTimeOffset? To, string? Reference, string? Description)
{
    /// <summary>The same input with empty texts (as a form sends them) meaning "not given".</summary>
    public PlannedChangeInput Normalized() => this with
    {
        Targets = Blank(Targets),
        Ports = Blank(Ports),
        ExcludePorts = Blank(ExcludePorts),
        Reference = Blank(Reference),
        Description = Blank(Description),
    };

    /// <summary>The window this input describes (once validated: both times are set).</summary>
    public ChangeWindow ToWindow(long id) => new(id, DeviceId, Targets, Ports, ExcludePorts, From!.Value, To!.Value, Reference, Description);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
