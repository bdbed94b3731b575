using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Exports;

/// <summary>Events as CSV rows (RFC 4180 quoting), the columns of `portwarden export --format csv` and the API's CSV export.</summary>
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

    /// <summary>Quotes a field that holds a comma, quote or line break, doubling its quotes.</summary>
    public static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
    }
}
