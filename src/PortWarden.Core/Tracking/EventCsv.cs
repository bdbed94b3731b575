using System.Globalization;
using PortWarden.Core.Ports;

namespace PortWarden.Core.Tracking;

/// <summary>The CSV shape of events, shared by the command line's exports and the hub's: one header, one row per event (RFC 4180 quoting).</summary>
public static class EventCsv
{
    public const string Header =
        "seq,id,occurred_at,type,device,host,hostname,protocol,port,old_state,new_state,service,old_service,classification,reference,window_id,poll_id";

    public static string Row(TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return string.Join(',', new string?[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.Id.ToString(), e.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            e.Type.ToWireName(), e.Device, e.Host, e.HostName, e.Protocol?.ToWireName(), e.Port?.ToString(CultureInfo.InvariantCulture),
            e.OldState, e.NewState, e.Service, e.OldService, e.Classification?.ToWireName(), e.Reference,
            e.WindowId?.ToString(CultureInfo.InvariantCulture), e.PollId.ToString(),
        }.Select(Escape));
    }

    /// <summary>
    /// Quotes a field holding a comma, quote or line break, doubling its quotes. A field that a spreadsheet would run
    /// as a formula (it starts with =, +, -, @, tab or carriage return: a banner or a change reference can) gets a
    /// leading apostrophe, so that opening an export never runs what a scanned host or a user wrote.
    /// </summary>
    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        if (field[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            field = "'" + field;
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
    }
}
