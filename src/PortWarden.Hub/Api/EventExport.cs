using System.Text;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>
/// /api/v1/events/export: every event the filters of /api/v1/events select (all pages; a limit only when given),
/// streamed as CSV (the command line's columns), JSON Lines or one JSON array, each event in the one JSON shape.
/// </summary>
public static class EventExport
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events/export", async (HttpContext context, IPortWardenStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var (query, validation) = EventsApi.Parse(context.Request.Query);
            var format = context.Request.Query["format"].ToString() is { Length: > 0 } given ? given : "csv";
            if (format is not ("csv" or "jsonl" or "json"))
            {
                validation.Add("format", $"'{format}' is not an export format (csv, jsonl or json)");
            }

            if (!validation.IsValid)
            {
                await validation.Problem().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (context.Request.Query["limit"].Count == 0)
            {
                query = query with { Limit = null };
            }

            var response = context.Response;
            response.ContentType = format switch
            {
                "csv" => "text/csv; charset=utf-8",
                "jsonl" => "application/x-ndjson; charset=utf-8",
                _ => "application/json; charset=utf-8",
            };
            var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            response.Headers.ContentDisposition = $"attachment; filename=\"portwarden-events-{stamp}.{format}\"";
            await WriteAsync(store.QueryEventsAsync(query, cancellationToken), format, response.Body, cancellationToken).ConfigureAwait(false);
        }).WithTags("Events");
    }

    private static async Task WriteAsync(IAsyncEnumerable<TrackEvent> events, string format, Stream body, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            if (format == "csv")
            {
                await writer.WriteAsync((EventCsv.Header + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            else if (format == "json")
            {
                await writer.WriteAsync("[".AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            var count = 0L;
            await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var line = format switch
                {
                    "csv" => EventCsv.Row(e) + "\n",
                    "jsonl" => EventJson.Serialize(e) + "\n",
                    _ => (count == 0 ? "\n" : ",\n") + EventJson.Serialize(e),
                };
                await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                count++;
            }

            if (format == "json")
            {
                await writer.WriteAsync("\n]\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
