using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Output;

/// <summary>How events read in text: a change line ("+ 10.0.0.5 tcp/8080 open http-proxy (unplanned)") and the parts tables use.</summary>
internal static class EventText
{
    public static string ChangeLine(TrackEvent e)
    {
        var where = $"{e.Host}{(e.HostName is null ? "" : $" ({e.HostName})")}";
        var line = e.Type switch
        {
            EventType.PortOpened => $"+ {where} {Port(e)} open{Suffix(e.Service)}",
            EventType.PortClosed => $"- {where} {Port(e)} {e.NewState}{Suffix(e.Service)}",
            EventType.ServiceChanged => $"~ {where} {Port(e)} {Describe(e.OldService, e.OldDetail, e.OldProcess)} -> {Describe(e.Service, e.Detail, e.Process)}",
            EventType.HostUp => $"+ host {where} up",
            EventType.HostDown => $"- host {where} down",
            _ => $"  {e.Type.ToWireName()}",
        };
        return $"{line} ({Classification(e)})";
    }

    public static string Classification(TrackEvent e) => Alerts.Formats.EventLine.Classification(e);

    public static string Port(TrackEvent e) => Alerts.Formats.EventLine.Port(e);

    /// <summary>What changed, in a few words: "closed -> open", "http -> nginx 1.25", "up -> down".</summary>
    public static string Change(TrackEvent e) => e.Type switch
    {
        EventType.ServiceChanged => $"{Describe(e.OldService, e.OldDetail, e.OldProcess)} -> {Describe(e.Service, e.Detail, e.Process)}",
        EventType.PortOpened => $"open{Suffix(e.Service)}",
        EventType.PortClosed => $"{e.NewState}{Suffix(e.Service)}",
        EventType.HostUp or EventType.HostDown => e.NewState ?? "",
        _ => "",
    };

    public static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Describe(string? service, Core.Scanning.ServiceDetail? detail, Core.Scanning.OwningProcess? process)
    {
        var parts = new[] { service, detail?.Product, detail?.Version, process?.Name is { } name ? $"[{name}]" : null }.Where(p => p is not null);
        var text = string.Join(' ', parts);
        return text.Length == 0 ? "unknown" : text;
    }

    private static string Suffix(string? service) => service is null ? "" : $" {service}";
}
