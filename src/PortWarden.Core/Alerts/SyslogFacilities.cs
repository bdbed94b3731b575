namespace PortWarden.Core.Alerts;

/// <summary>Syslog facility names and their codes (RFC 5424 section 6.2.1).</summary>
public static class SyslogFacilities
{
    private static readonly string[] Ordered =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    public static IReadOnlyList<string> Names => Ordered;

    public static bool TryParse(string text, out int code)
    {
        code = Array.IndexOf(Ordered, text.ToLowerInvariant());
        return code >= 0;
    }
}
