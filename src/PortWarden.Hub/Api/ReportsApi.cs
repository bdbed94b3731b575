using PortWarden.Alerts.Reports;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/reports: the auditor's report (baselines, changes, expected-state violations, poll coverage) as HTML, PDF, CSV or JSON.</summary>
public static class ReportsApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        api.MapGet("/reports", async (HttpRequest request, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var query = request.Query;
            var validation = new Validation();
            var now = time.GetUtcNow();
            var format = ReportFormat.Html;
            if (query["format"].ToString() is { Length: > 0 } formatText && !ReportFormats.TryParse(formatText, out format))
            {
                validation.Add("format", $"'{formatText}' is not {string.Join(", ", ReportFormats.Names)}");
            }

            var from = query["from"].ToString() is { Length: > 0 } f ? validation.Check("from", () => (DateTimeOffset?)TimeExpression.Parse(f, now, "from")) : now.AddDays(-30);
            var to = query["to"].ToString() is { Length: > 0 } t ? validation.Check("to", () => (DateTimeOffset?)TimeExpression.Parse(t, now, "to")) : now;
            if (from > to)
            {
                validation.Add("to", "the period ends before it starts");
            }

            List<string>? names = null;
            foreach (var text in query["device"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                names ??= [];
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                    || await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is not { } device)
                {
                    validation.Add("device", $"there is no device {text}");
                    continue;
                }

                names.Add(device.Name);
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var report = await ReportBuilder.BuildAsync(store, names, from!.Value, to!.Value, now, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await ReportFormats.WriteAsync(report, format, buffer, cancellationToken).ConfigureAwait(false);
            return Results.File(buffer.ToArray(), ReportFormats.ContentType(format), $"portwarden-report.{ReportFormats.Extension(format)}");
        }).WithTags("Reports");
    }
}
