using PortWarden.Alerts.Exports;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>
/// /api/v1/events/export: every event the filters of /api/v1/events select (all pages; a limit only when given), streamed as it is read,
/// as CSV (the default, the command line's columns), JSON Lines, a JSON array, CEF, LEEF or syslog lines.
/// </summary>
public static class EventExportApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events/export", async (HttpContext context, IPortWardenStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var (query, validation) = EventsApi.Parse(context.Request.Query);
            var formatText = context.Request.Query["format"].ToString();
            if (!EventExport.TryParse(formatText.Length == 0 ? "csv" : formatText, out var format))
            {
                validation.Add("format", $"'{formatText}' is not an export format ({string.Join(", ", EventExport.Names)})");
            }

            if (!validation.IsValid)
            {
                await validation.Problem().ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            // An export is the whole range asked for, not a page.
            query = query with { Limit = context.Request.Query.ContainsKey("limit") ? query.Limit : null };
            context.Response.ContentType = EventExport.ContentType(format);
            var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"portwarden-events-{stamp}.{EventExport.Names[(int)format]}\"";
            var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false), 64 * 1024);
            await using (writer.ConfigureAwait(false))
            {
                await EventExport.WriteAsync(store.QueryEventsAsync(query, cancellationToken), format, writer, Environment.MachineName, cancellationToken).ConfigureAwait(false);
            }
        }).WithTags("Events");
    }
}
