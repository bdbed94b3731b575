using System.Net;
using PortWarden.Alerts.Channels;
using PortWarden.Core.Alerts;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Dispatch;

/// <summary>Sends a sample message marked as a test to every channel of a rule, at once (no outbox), and says how each went.</summary>
public sealed class AlertTester(AlertSenders senders, TimeProvider time)
{
    public async Task<IReadOnlyList<ChannelTestResult>> TestAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var message = Sample(rule, time.GetUtcNow());
        var results = new List<ChannelTestResult>();
        foreach (var channel in rule.Channels)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await senders.For(channel).SendAsync(channel, message, Guid.CreateVersion7(time.GetUtcNow()), timeout.Token).ConfigureAwait(false);
                results.Add(new ChannelTestResult(channel.NameOrDefault, channel.Type, true, null));
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                results.Add(new ChannelTestResult(channel.NameOrDefault, channel.Type, false, error is OperationCanceledException ? "no answer within 30 s" : error.Message));
            }
        }

        return results;
    }

    /// <summary>A message about one made-up port opening on a documentation address (192.0.2.10, RFC 5737).</summary>
    public static AlertMessage Sample(AlertRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var device = new Device(0, "example-device", DeviceKind.Host, "192.0.2.10", now);
        var poll = new PollRecord(Guid.CreateVersion7(now), 0, null, "test", now.AddSeconds(-1), now, PollCounts.None, null);
        var opened = PollEvents.New(EventType.PortOpened, device, poll.Id, now, now) with
        {
            Host = IPAddress.Parse("192.0.2.10").ToString(),
            Protocol = Protocol.Tcp,
            Port = 8080,
            OldState = "closed",
            NewState = "open",
            Service = "http-proxy",
            Classification = Classification.Unplanned,
        };
        return AlertMessage.Create(rule, device, poll, [opened], now) with { IsTest = true };
    }
}

/// <summary>How the test message fared on one channel.</summary>
public sealed record ChannelTestResult(string Channel, string Type, bool Delivered, string? Error);
