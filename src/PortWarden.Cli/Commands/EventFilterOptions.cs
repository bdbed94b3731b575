using System.CommandLine;
using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Commands;

/// <summary>The event filters `events` and `export` share, and turning them into a store query.</summary>
internal sealed class EventFilterOptions
{
    public Option<string?> Device { get; } = new("--device") { Description = "Only this device's events.", HelpName = "name" };

    public Option<string?> Since { get; } = new("--since") { Description = "From this time on (ISO 8601, 'yesterday', '-2h', '3d ago').", HelpName = "time" };

    public Option<string?> Until { get; } = new("--until") { Description = "Up to this time.", HelpName = "time" };

    public Option<string[]> Types { get; } = new("--type")
    {
        Description = $"Only these event types (repeat or comma-separate): {string.Join(", ", EventTypeNames.All)}.",
        HelpName = "type",
    };

    public Option<bool> Unplanned { get; } = new("--unplanned") { Description = "Only unplanned changes." };

    public Option<bool> Planned { get; } = new("--planned") { Description = "Only planned changes." };

    public Option<string?> Host { get; } = new("--host") { Description = "Only events of this host address.", HelpName = "address" };

    public Option<string?> Port { get; } = new("--port") { Description = "Only events of this port: 22 (TCP) or tcp/22, udp/53.", HelpName = "port" };

    public Option<long?> After { get; } = new("--after") { Description = "Only events after this sequence number (paging).", HelpName = "seq" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Device, Since, Until, Types, Unplanned, Planned, Host, Port, After })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Validates every filter, naming the bad one, before the store is opened.</summary>
    public EventQuery Parse(ParseResult parse, DateTimeOffset now)
    {
        var types = new List<EventType>();
        foreach (var text in (parse.GetValue(Types) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            types.Add(EventTypeNames.TryParse(text, out var type)
                ? type
                : throw new UsageException($"--type '{text}' is not an event type ({string.Join(", ", EventTypeNames.All)})"));
        }

        if (parse.GetValue(Planned) && parse.GetValue(Unplanned))
        {
            throw new UsageException("--planned and --unplanned exclude each other");
        }

        var since = parse.GetValue(Since) is { } s ? TimeExpression.Parse(s, now, "--since") : (DateTimeOffset?)null;
        var until = parse.GetValue(Until) is { } u ? TimeExpression.Parse(u, now, "--until") : (DateTimeOffset?)null;
        if (since > until)
        {
            throw new UsageException("--since is after --until");
        }

        if (parse.GetValue(Host) is { } host && !System.Net.IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"--host '{host}' is not an IP address");
        }

        return new EventQuery
        {
            Since = since,
            Until = until,
            Types = types.Count == 0 ? null : types,
            Classification = parse.GetValue(Unplanned) ? Classification.Unplanned : parse.GetValue(Planned) ? Classification.Planned : null,
            Host = parse.GetValue(Host),
            Port = parse.GetValue(Port) is { } port ? ParsePort(port) : null,
            AfterSequence = parse.GetValue(After),
        };
    }

    /// <summary>Adds the device to the query once the store is open.</summary>
    public async Task<EventQuery> WithDeviceAsync(EventQuery query, ParseResult parse, IPortWardenStore store, CancellationToken cancellationToken) =>
        parse.GetValue(Device) is { } name
            ? query with { DeviceId = (await StoreOption.FindDeviceAsync(store, name, cancellationToken).ConfigureAwait(false)).Id }
            : query;

    private static PortKey ParsePort(string text)
    {
        var parts = text.Split('/');
        var protocol = Protocol.Tcp;
        if (parts.Length == 2 && !ProtocolNames.TryParse(parts[0], out protocol))
        {
            throw new UsageException($"--port '{text}': protocol must be tcp or udp");
        }

        return parts.Length <= 2 && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? new PortKey(protocol, number)
            : throw new UsageException($"--port '{text}' is not a port (22, tcp/22, udp/53)");
    }
}
