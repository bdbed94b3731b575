using System.Globalization;
using System.Text;

namespace PortWarden.Alerts.Formats;

/// <summary>
/// One RFC 5424 syslog message: "&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v"...] MSG". Header fields
/// keep to printable US-ASCII within their length limits ("-" when empty); structured-data values escape '"', '\' and ']'.
/// </summary>
public sealed record SyslogMessage(int Facility, int Severity, DateTimeOffset Timestamp, string? HostName, string AppName, string? ProcId, string? MessageId, string Message)
{
    /// <summary>The SD-ID of PortWarden's structured data (32473 is the private enterprise number reserved for examples, RFC 5612).</summary>
    public const string StructuredDataId = "portwarden@32473";

    public IReadOnlyList<(string Name, string? Value)> Parameters { get; init; } = [];

    public int Priority => (Facility * 8) + Severity;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append('<').Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(">1 ");
        text.Append(Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        text.Append(HeaderField(HostName, 255)).Append(' ');
        text.Append(HeaderField(AppName, 48)).Append(' ');
        text.Append(HeaderField(ProcId, 128)).Append(' ');
        text.Append(HeaderField(MessageId, 32)).Append(' ');
        var parameters = Parameters.Where(p => p.Value is not null).ToList();
        if (parameters.Count == 0)
        {
            text.Append('-');
        }
        else
        {
            text.Append('[').Append(StructuredDataId);
            foreach (var (name, value) in parameters)
            {
                text.Append(' ').Append(HeaderField(name, 32).Replace("=", "_", StringComparison.Ordinal).Replace("]", "_", StringComparison.Ordinal).Replace("\"", "_", StringComparison.Ordinal))
                    .Append("=\"").Append(EscapeParameter(value)).Append('"');
            }

            text.Append(']');
        }

        if (Message.Length > 0)
        {
            text.Append(' ').Append(Message);
        }

        return text.ToString();
    }

    /// <summary>A header field: printable US-ASCII only (others become '_'), cut to its limit, "-" (NILVALUE) when empty.</summary>
    public static string HeaderField(string? value, int limit)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }

        var text = new StringBuilder(Math.Min(value.Length, limit));
        foreach (var c in value)
        {
            if (text.Length == limit)
            {
                break;
            }

            text.Append(c is >= '!' and <= '~' ? c : '_');
        }

        return text.ToString();
    }

    /// <summary>An SD-PARAM value: '"', '\' and ']' are escaped with a backslash (RFC 5424 section 6.3.3).</summary>
    public static string EscapeParameter(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny('"', '\\', ']') < 0)
        {
            return value ?? "";
        }

        var text = new StringBuilder();
        foreach (var c in value ?? "")
        {
            if (c is '"' or '\\' or ']')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
