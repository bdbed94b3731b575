using System.Net;
using PortWarden.Agent.Checkpoints;
using PortWarden.Agent.Wire;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Hub.Tests.Checkpoints;

/// <summary>Writes the checkpoint files of an interrupted poll as an agent leaves them, for tests to find and judge.</summary>
internal static class SavedPolls
{
    public static TrackerAssignment Tracker(long id, string targets, string ports = "1-20", string options = "{}") =>
        new(id, $"tracker-{id}", 1, "device", targets, "remote", ports, "", "connect", "none", null, options, null);

    /// <summary>An interrupted poll of <paramref name="tracker"/> that decided ports 1 (open) and 2 (closed) of <paramref name="address"/>.</summary>
    public static async Task<Guid> WriteAsync(
        PollCheckpoints checkpoints, TrackerAssignment tracker, string address, TrackerOptions? recordedOptions = null, long? shardId = null)
    {
        var pollId = Guid.CreateVersion7();
        var info = new SavedPollInfo(pollId, tracker, shardId, shardId is null ? null : address, DateTimeOffset.UtcNow.AddMinutes(-5), tracker.Ports, "");
        var definition = new ScanDefinition(tracker.Targets, "", tracker.Ports, tracker.ExcludePorts, "connect") { Options = recordedOptions ?? TrackerOptions.Parse(tracker.Options) };
        var target = new ScanTarget(IPAddress.Parse(address), null);
        await using var writer = await checkpoints.StartAsync(info, definition, null, CancellationToken.None);
        await writer.WriteAsync(new Observation(target, Protocol.Tcp, 1, PortState.Open, Reasons.SynAck), CancellationToken.None);
        await writer.WriteAsync(new Observation(target, Protocol.Tcp, 2, PortState.Closed, Reasons.ConnectionRefused), CancellationToken.None);
        return pollId;
    }
}
