using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Formats;

/// <summary>How an event reads in one line of text: "+ 10.0.0.5 tcp/8080 open http-proxy (unplanned)".</summary>
public static class EventLine
{
    public static string Describe(TrackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var where = $"{e.Host}{(e.HostName is null ? "" : $" ({e.HostName})")}";
        var line = e.Type switch
        {
            EventType.PortOpened => $"+ {where} {Port(e)} open{Suffix(e.Service)}",
            EventType.PortClosed => $"- {where} {Port(e)} {e.NewState}{Suffix(e.Service)}",
            EventType.ServiceChanged => $"~ {where} {Port(e)} {Change(e)}",
            EventType.HostUp => $"+ host {where} up",
            EventType.HostDown => $"- host {where} down",
            _ => e.Type.ToWireName(),
        };
        return e.Classification is null ? line : $"{line} ({Classification(e)})";
    }

    /// <summary>"planned: CHG-7", "planned: window 3", "unplanned", or "" for events that are not changes.</summary>
    public static string Classification(TrackEvent e) => e.Classification switch
    {
        Core.Tracking.Classification.Planned => e.Reference is null ? $"planned: window {e.WindowId}" : $"planned: {e.Reference}",
        Core.Tracking.Classification.Unplanned => "unplanned",
        _ => "",
    };

    /// <summary>"tcp/8080", or "" for events without a port.</summary>
    public static string Port(TrackEvent e) => e.Protocol is { } protocol && e.Port is { } port ? $"{protocol.ToWireName()}/{port}" : "";

    /// <summary>What changed, in a few words: "closed -> open", "http -> nginx 1.25", "up -> down".</summary>
    public static string Change(TrackEvent e) => e.Type switch
    {
        EventType.ServiceChanged => $"{Service(e.OldService, e.OldDetail, e.OldProcess)} -> {Service(e.Service, e.Detail, e.Process)}",
        EventType.PortOpened => $"{e.OldState ?? "closed"} -> open",
        EventType.PortClosed => $"open -> {e.NewState}",
        EventType.HostUp => "down -> up",
        EventType.HostDown => "up -> down",
        _ => "",
    };

    public static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Service(string? service, ServiceDetail? detail, OwningProcess? process)
    {
        var parts = new[] { service, detail?.Product, detail?.Version, process?.Name is { } name ? $"[{name}]" : null }.Where(p => p is not null);
        var text = string.Join(' ', parts);
        return text.Length == 0 ? "unknown" : text;
    }

    private static string Suffix(string? service) => service is null ? "" : $" {service}";
}
