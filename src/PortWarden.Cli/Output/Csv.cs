namespace PortWarden.Cli.Output;

/// <summary>CSV field quoting (RFC 4180): fields with commas, quotes or line breaks are quoted, quotes doubled.</summary>
internal static class Csv
{
    public static string Escape(string? field) => Core.Tracking.EventCsv.Escape(field);
}
