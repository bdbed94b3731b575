namespace PortWarden.Alerts.Reports;

/// <summary>The formats a report is written in.</summary>
public enum ReportFormat
{
    Html,
    Pdf,
    Csv,
    Json,
}

public static class ReportFormats
{
    public static IReadOnlyList<string> Names { get; } = ["html", "pdf", "csv", "json"];

    public static bool TryParse(string? text, out ReportFormat format)
    {
        var index = Names.ToList().IndexOf(text?.ToLowerInvariant() ?? "");
        format = index < 0 ? default : (ReportFormat)index;
        return index >= 0;
    }

    public static string ContentType(ReportFormat format) => format switch
    {
        ReportFormat.Html => "text/html; charset=utf-8",
        ReportFormat.Pdf => "application/pdf",
        ReportFormat.Csv => "text/csv; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    public static string Extension(ReportFormat format) => Names[(int)format];

    /// <summary>Writes the report in <paramref name="format"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(Report report, ReportFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        byte[] bytes = format switch
        {
            ReportFormat.Html => System.Text.Encoding.UTF8.GetBytes(HtmlReport.Render(report)),
            ReportFormat.Pdf => PdfReport.Render(report),
            ReportFormat.Csv => System.Text.Encoding.UTF8.GetBytes(CsvReport.Render(report)),
            _ => System.Text.Encoding.UTF8.GetBytes(JsonReport.Render(report)),
        };
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}
