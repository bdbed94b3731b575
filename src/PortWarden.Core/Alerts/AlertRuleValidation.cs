using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Core.Alerts;

/// <summary>Every problem of a rule as (field, message), fields named as in its JSON (match.ports, channels[1].url).</summary>
public static class AlertRuleValidation
{
    public const int MaxNameLength = 100;

    public static IReadOnlyList<(string Field, string Message)> Problems(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > MaxNameLength)
        {
            problems.Add(("name", $"a rule needs a name of 1-{MaxNameLength} characters"));
        }

        MatchProblems(rule.Match ?? new AlertMatch(), problems);
        if (rule.QuietHours is { } quiet)
        {
            QuietProblems(quiet, problems);
        }

        if (rule.Channels is not { Count: > 0 })
        {
            problems.Add(("channels", "a rule needs at least one channel (webhook, slack, teams, email or syslog)"));
        }
        else
        {
            for (var i = 0; i < rule.Channels.Count; i++)
            {
                ChannelProblems(rule.Channels[i], $"channels[{i}]", problems);
            }

            foreach (var duplicate in rule.Channels.GroupBy(c => c.NameOrDefault, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                problems.Add(("channels", $"two channels are called '{duplicate.Key}': give each a distinct name"));
            }
        }

        return problems;
    }

    /// <summary>Throws <see cref="FormatException"/> with every problem when the rule is not valid.</summary>
    public static void Validate(AlertRule rule)
    {
        var problems = Problems(rule);
        if (problems.Count > 0)
        {
            throw new FormatException(string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")));
        }
    }

    private static void MatchProblems(AlertMatch match, List<(string, string)> problems)
    {
        foreach (var type in match.Types ?? [])
        {
            if (!EventTypeNames.TryParse(type, out _))
            {
                problems.Add(("match.types", $"'{type}' is not an event type ({string.Join(", ", EventTypeNames.All)})"));
            }
        }

        if (match.Classification is not (null or "planned" or "unplanned"))
        {
            problems.Add(("match.classification", $"'{match.Classification}' is not planned or unplanned"));
        }

        if (match.Hosts is { } hosts)
        {
            try
            {
                if (TargetSpec.Parse(hosts, "alert host").NeedsResolution)
                {
                    problems.Add(("match.hosts", "hosts must be addresses, ranges or CIDR blocks, not host names"));
                }
            }
            catch (SpecFormatException error)
            {
                problems.Add(("match.hosts", error.Message));
            }
        }

        if (match.Ports is { } ports)
        {
            try
            {
                PortSpec.Parse(ports);
            }
            catch (SpecFormatException error)
            {
                problems.Add(("match.ports", error.Message));
            }
        }
    }

    private static void QuietProblems(QuietHours quiet, List<(string, string)> problems)
    {
        if (!TryParseTime(quiet.Start, out _))
        {
            problems.Add(("quietHours.start", $"'{quiet.Start}' is not a time of day (HH:mm)"));
        }

        if (!TryParseTime(quiet.End, out _))
        {
            problems.Add(("quietHours.end", $"'{quiet.End}' is not a time of day (HH:mm)"));
        }

        if (quiet.TimeZone is { } zone && !QuietPeriod.TryFindZone(zone, out _))
        {
            problems.Add(("quietHours.timeZone", $"'{zone}' is not a known time zone (an IANA name such as Europe/Berlin, or UTC)"));
        }

        if (quiet.Mode is not (null or QuietPeriod.Defer or QuietPeriod.Suppress))
        {
            problems.Add(("quietHours.mode", $"'{quiet.Mode}' is not defer or suppress"));
        }
    }

    private static void ChannelProblems(AlertChannel channel, string path, List<(string, string)> problems)
    {
        void Require(string? value, string field, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(($"{path}.{field}", $"{Article(channel.Type)} {channel.Type} channel needs {what}"));
            }
        }

        void Port(int? port, string field)
        {
            if (port is < 1 or > 65535)
            {
                problems.Add(($"{path}.{field}", $"{port} is not a port (1-65535)"));
            }
        }

        switch (channel.Type)
        {
            case AlertChannelTypes.Webhook or AlertChannelTypes.Slack or AlertChannelTypes.Teams:
                if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    problems.Add(($"{path}.url", $"{Article(channel.Type)} {channel.Type} channel needs an http or https url"));
                }

                break;
            case AlertChannelTypes.Email:
                Require(channel.SmtpHost, "smtpHost", "an SMTP server (smtpHost)");
                Require(channel.From, "from", "a sender address (from)");
                Port(channel.SmtpPort, "smtpPort");
                if (channel.To is not { Count: > 0 })
                {
                    problems.Add(($"{path}.to", "an email channel needs at least one recipient (to)"));
                }

                foreach (var address in (channel.To ?? []).Append(channel.From ?? "x@y"))
                {
                    if (!System.Net.Mail.MailAddress.TryCreate(address, out _))
                    {
                        problems.Add(($"{path}.{(address == channel.From ? "from" : "to")}", $"'{address}' is not an email address"));
                    }
                }

                if (channel.SmtpSecurity is not (null or "none" or "starttls" or "tls" or "auto"))
                {
                    problems.Add(($"{path}.smtpSecurity", $"'{channel.SmtpSecurity}' is not none, starttls, tls or auto"));
                }

                break;
            case AlertChannelTypes.Syslog:
                Require(channel.SyslogHost, "syslogHost", "a server (syslogHost)");
                Port(channel.SyslogPort, "syslogPort");
                if (channel.SyslogTransport is not (null or "udp" or "tcp" or "tls"))
                {
                    problems.Add(($"{path}.syslogTransport", $"'{channel.SyslogTransport}' is not udp, tcp or tls"));
                }

                if (channel.SyslogFormat is not (null or "rfc5424" or "cef" or "leef"))
                {
                    problems.Add(($"{path}.syslogFormat", $"'{channel.SyslogFormat}' is not rfc5424, cef or leef"));
                }

                if (channel.SyslogFacility is { } facility && !SyslogFacilities.TryParse(facility, out _))
                {
                    problems.Add(($"{path}.syslogFacility", $"'{facility}' is not a syslog facility ({string.Join(", ", SyslogFacilities.Names)})"));
                }

                break;
            default:
                problems.Add(($"{path}.type", $"'{channel.Type}' is not a channel type ({string.Join(", ", AlertChannelTypes.All)})"));
                break;
        }

        if (channel.CaCertificate is { } ca && !File.Exists(ca))
        {
            problems.Add(($"{path}.caCertificate", $"no such file: {ca}"));
        }
    }

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    internal static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
