using System.Net;
using System.Text.Json;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Reports;

/// <summary>Gathers a report from the store: baselines, the period's changes, expected-state violations and poll coverage.</summary>
public static class ReportBuilder
{
    /// <summary>The report for the devices named (all devices when null) over [from, to]; an unknown device name is a <see cref="FormatException"/>.</summary>
    public static async Task<Report> BuildAsync(
        IPortWardenStore store, IReadOnlyList<string>? deviceNames, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (to < from)
        {
            throw new FormatException($"the report period ends ({to:u}) before it starts ({from:u})");
        }

        var devices = new List<Device>();
        if (deviceNames is null)
        {
            devices.AddRange((await store.ListDevicesAsync(cancellationToken).ConfigureAwait(false)).Select(summary => summary.Device));
        }
        else
        {
            foreach (var name in deviceNames)
            {
                devices.Add(await store.FindDeviceAsync(name, cancellationToken).ConfigureAwait(false) ?? throw new FormatException($"unknown device '{name}'"));
            }
        }

        var reports = new List<DeviceReport>();
        foreach (var device in devices)
        {
            reports.Add(await DeviceAsync(store, device, from, to, cancellationToken).ConfigureAwait(false));
        }

        return new Report(now, from, to, reports);
    }

    private static async Task<DeviceReport> DeviceAsync(IPortWardenStore store, Device device, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var baseline = await store.LoadBaselineAsync(device, cancellationToken).ConfigureAwait(false);
        var hosts = baseline.Hosts.Values.OrderBy(h => IPAddress.Parse(h.Address), AddressComparer.Instance).ToList();
        var changes = await store.QueryEventsAsync(
            new EventQuery { DeviceId = device.Id, Since = from, Until = to, Types = Enum.GetValues<EventType>().Where(t => t.IsChange()).ToList() },
            cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var polls = await store.QueryEventsAsync(
            new EventQuery { DeviceId = device.Id, Since = from, Until = to, Types = [EventType.PollCompleted] },
            cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceReport(baseline.Device, hosts, changes, Violations(baseline.Device, hosts), Coverage(polls));
    }

    /// <summary>Every open port of an up host outside the device's allow-list; none when the device has no allow-list.</summary>
    public static IReadOnlyList<ExpectedStateViolation> Violations(Device device, IEnumerable<HostBaseline> hosts)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.ExpectedPorts is not { } expected)
        {
            return [];
        }

        var allowed = expected.Trim().Length == 0 ? null : PortSpec.Parse(expected);
        var tcp = allowed?.For(Protocol.Tcp) ?? PortSet.Empty;
        var udp = allowed?.For(Protocol.Udp) ?? PortSet.Empty;
        return hosts
            .Where(host => host.State == Core.Scanning.HostState.Up)
            .SelectMany(host => host.OpenPorts
                .Where(port => !(port.Key.Protocol == Protocol.Tcp ? tcp : udp).Contains(port.Key.Port))
                .OrderBy(port => port.Key)
                .Select(port => new ExpectedStateViolation(host.Address, host.HostName, port.Key, port.Service, port.LastChanged)))
            .ToList();
    }

    private static PollCoverage Coverage(List<TrackEvent> completed)
    {
        if (completed.Count == 0)
        {
            return PollCoverage.None;
        }

        var polls = completed.Select(e =>
        {
            using var payload = JsonDocument.Parse(e.Payload ?? "{}");
            var root = payload.RootElement;
            var duration = root.TryGetProperty("durationMs", out var ms) ? TimeSpan.FromMilliseconds(ms.GetInt64()) : TimeSpan.Zero;
            var error = root.TryGetProperty("error", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
            return (Event: e, Duration: duration, Error: error);
        }).ToList();
        return new PollCoverage(
            polls.Count,
            polls.Count(p => p.Error is not null),
            polls.Min(p => p.Duration),
            TimeSpan.FromTicks((long)polls.Average(p => p.Duration.Ticks)),
            polls.Max(p => p.Duration),
            polls.Min(p => p.Event.OccurredAt),
            polls.Max(p => p.Event.OccurredAt))
        {
            Failures = polls.Where(p => p.Error is not null).Select(p => new FailedPoll(p.Event.PollId, p.Event.OccurredAt, p.Error!)).ToList(),
        };
    }
}
