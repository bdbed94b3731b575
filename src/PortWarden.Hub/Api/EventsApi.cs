using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/events: the event log, filtered and paged by cursor (the sequence number of the last event seen).</summary>
public static class EventsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events", async (HttpRequest request, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var (query, validation) = Parse(request.Query);
            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var limit = query.Limit!.Value;
            var items = await store.QueryEventsAsync(query with { Limit = limit + 1 }, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            var more = items.Count > limit;
            var page = more ? items.Take(limit).ToList() : items;
            return Results.Ok(new EventPage(page, more ? page[^1].Sequence : null));
        }).WithTags("Events");

        EventExportApi.Map(api);
    }

    /// <summary>
    /// Reads the filters: device, type (repeatable, comma-separated), classification, since, until, host, protocol, port,
    /// window (the planned change that covered them), after, limit; and order=desc (newest first; its next cursor goes in before).
    /// </summary>
    public static (EventQuery Query, Validation Validation) Parse(IQueryCollection query)
    {
        var validation = new Validation();
        long? Number(string name)
        {
            var text = query[name].ToString();
            if (text.Length == 0)
            {
                return null;
            }

            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            validation.Add(name, $"'{text}' is not a whole number");
            return null;
        }

        DateTimeOffset? Time(string name) => query[name].ToString() is { Length: > 0 } text
            ? validation.Check(name, () => (DateTimeOffset?)TimeExpression.Parse(text, DateTimeOffset.UtcNow, name))
            : null;

        var types = new List<EventType>();
        foreach (var text in query["type"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (EventTypeNames.TryParse(text, out var type))
            {
                types.Add(type);
            }
            else
            {
                validation.Add("type", $"'{text}' is not an event type ({string.Join(", ", EventTypeNames.All)})");
            }
        }

        var classification = query["classification"].ToString() is { Length: > 0 } c ? validation.Check("classification", () => ClassificationNames.Parse(c)) : null;
        var host = query["host"].ToString() is { Length: > 0 } h ? h : null;
        if (host is not null && !IPAddress.TryParse(host, out _))
        {
            validation.Add("host", $"'{host}' is not an IP address");
        }

        var port = Number("port");
        var protocol = query["protocol"].ToString() is { Length: > 0 } p ? p : "tcp";
        if (port is < 1 or > 65535 || !ProtocolNames.TryParse(protocol, out var parsedProtocol))
        {
            validation.Add("port", "port must be 1-65535 and protocol tcp or udp");
            parsedProtocol = Protocol.Tcp;
        }

        var limit = Number("limit") ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            validation.Add("limit", $"must be between 1 and {MaxLimit}");
        }

        var since = Time("since");
        var until = Time("until");
        var order = query["order"].ToString();
        if (order.Length > 0 && order is not ("asc" or "desc"))
        {
            validation.Add("order", $"'{order}' is not an order (asc or desc)");
        }

        return (new EventQuery
        {
            DeviceId = Number("device"),
            Since = since,
            Until = until,
            Types = types.Count == 0 ? null : types,
            Classification = classification,
            Host = host,
            Port = port is { } number ? new PortKey(parsedProtocol, (int)number) : null,
            AfterSequence = Number("after"),
            BeforeSequence = Number("before"),
            WindowId = Number("window"),
            NewestFirst = order == "desc",
            Limit = (int)Math.Clamp(limit, 1, MaxLimit),
        }, validation);
    }
}
