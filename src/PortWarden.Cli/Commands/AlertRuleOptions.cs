using System.CommandLine;
using System.Globalization;
using PortWarden.Core.Alerts;

namespace PortWarden.Cli.Commands;

/// <summary>The options of `alerts add` that describe one rule: what it matches, quiet hours, and its channels.</summary>
internal sealed class AlertRuleOptions
{
    public Option<string?> Name { get; } = new("--name") { Description = "The rule's name (unique).", HelpName = "name" };

    public Option<string[]> Types { get; } = new("--type") { Description = "Only these event types (repeat or comma-separate); default: every change.", HelpName = "type" };

    public Option<bool> Unplanned { get; } = new("--unplanned") { Description = "Only unplanned changes." };

    public Option<bool> Planned { get; } = new("--planned") { Description = "Only planned changes." };

    public Option<string[]> Devices { get; } = new("--device") { Description = "Only these devices (repeat).", HelpName = "name" };

    public Option<string?> Hosts { get; } = new("--hosts") { Description = "Only these hosts (addresses, ranges, CIDR).", HelpName = "spec" };

    public Option<string?> Ports { get; } = new("--ports", "-p") { Description = "Only these ports (nmap syntax, T:/U: prefixes).", HelpName = "spec" };

    public Option<string?> Quiet { get; } = new("--quiet-hours") { Description = "No messages between these times of day, e.g. 22:00-07:00.", HelpName = "from-to" };

    public Option<string?> TimeZone { get; } = new("--time-zone") { Description = "Time zone of the quiet hours (IANA name; default UTC).", HelpName = "zone" };

    public Option<string?> QuietMode { get; } = new("--quiet-mode") { Description = "defer (send when quiet hours end; default) or suppress (drop).", HelpName = "mode" };

    public Option<string?> Webhook { get; } = new("--webhook") { Description = "POST the message as JSON to this URL.", HelpName = "url" };

    public Option<string?> Secret { get; } = new("--secret") { Description = "HMAC-SHA256 key the webhook's requests are signed with.", HelpName = "key" };

    public Option<string?> Slack { get; } = new("--slack") { Description = "A Slack incoming-webhook URL.", HelpName = "url" };

    public Option<string?> Teams { get; } = new("--teams") { Description = "A Microsoft Teams (Workflows) webhook URL.", HelpName = "url" };

    public Option<string[]> Email { get; } = new("--email") { Description = "Email these addresses (repeat or comma-separate); needs --smtp and --from.", HelpName = "address" };

    public Option<string?> Smtp { get; } = new("--smtp") { Description = "SMTP server as host or host:port (default port 587, 465 with --smtp-security tls).", HelpName = "host[:port]" };

    public Option<string?> SmtpSecurity { get; } = new("--smtp-security") { Description = "starttls (default), tls, auto or none.", HelpName = "mode" };

    public Option<string?> SmtpUser { get; } = new("--smtp-user") { Description = "SMTP user name.", HelpName = "user" };

    public Option<string?> SmtpPassword { get; } = new("--smtp-password") { Description = "SMTP password (or set $PORTWARDEN_SMTP_PASSWORD).", HelpName = "password" };

    public Option<string?> From { get; } = new("--from") { Description = "Sender address of alert emails.", HelpName = "address" };

    public Option<string?> Syslog { get; } = new("--syslog") { Description = "Syslog server as host or host:port (514; 6514 for TLS).", HelpName = "host[:port]" };

    public Option<string?> SyslogTransport { get; } = new("--syslog-transport") { Description = "udp (default), tcp or tls.", HelpName = "transport" };

    public Option<string?> SyslogFormat { get; } = new("--syslog-format") { Description = "rfc5424 (text, default), cef or leef.", HelpName = "format" };

    public Option<string?> SyslogFacility { get; } = new("--syslog-facility") { Description = "Facility name (default local0).", HelpName = "facility" };

    public Option<string?> CaCertificate { get; } = new("--ca-cert") { Description = "PEM certificate to trust for TLS to the SMTP or syslog server.", HelpName = "file" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
        {
            Name, Types, Unplanned, Planned, Devices, Hosts, Ports, Quiet, TimeZone, QuietMode, Webhook, Secret, Slack, Teams, Email, Smtp, SmtpSecurity,
            SmtpUser, SmtpPassword, From, Syslog, SyslogTransport, SyslogFormat, SyslogFacility, CaCertificate,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The rule the options describe, validated (every problem named by its option).</summary>
    public AlertRule Build(ParseResult parse)
    {
        if (parse.GetValue(Planned) && parse.GetValue(Unplanned))
        {
            throw new UsageException("--planned and --unplanned exclude each other");
        }

        QuietHours? quiet = null;
        if (parse.GetValue(Quiet) is { } period)
        {
            var parts = period.Split('-', 2, StringSplitOptions.TrimEntries);
            quiet = parts.Length == 2
                ? new QuietHours { Start = parts[0], End = parts[1], TimeZone = parse.GetValue(TimeZone), Mode = parse.GetValue(QuietMode) }
                : throw new UsageException($"--quiet-hours '{period}' is not a period like 22:00-07:00");
        }

        var channels = new List<AlertChannel>();
        if (parse.GetValue(Webhook) is { } webhook)
        {
            channels.Add(new AlertChannel { Type = AlertChannelTypes.Webhook, Url = webhook, Secret = parse.GetValue(Secret) });
        }

        if (parse.GetValue(Slack) is { } slack)
        {
            channels.Add(new AlertChannel { Type = AlertChannelTypes.Slack, Url = slack });
        }

        if (parse.GetValue(Teams) is { } teams)
        {
            channels.Add(new AlertChannel { Type = AlertChannelTypes.Teams, Url = teams });
        }

        var recipients = Split(parse.GetValue(Email));
        if (recipients.Count > 0)
        {
            var (host, port) = HostPort(parse.GetValue(Smtp) ?? throw new UsageException("--email needs --smtp HOST[:PORT]"), "--smtp");
            channels.Add(new AlertChannel
            {
                Type = AlertChannelTypes.Email,
                To = recipients,
                From = parse.GetValue(From),
                SmtpHost = host,
                SmtpPort = port,
                SmtpSecurity = parse.GetValue(SmtpSecurity),
                SmtpUser = parse.GetValue(SmtpUser),
                SmtpPassword = parse.GetValue(SmtpPassword) ?? Environment.GetEnvironmentVariable("PORTWARDEN_SMTP_PASSWORD"),
                CaCertificate = parse.GetValue(CaCertificate),
            });
        }

        if (parse.GetValue(Syslog) is { } syslog)
        {
            var (host, port) = HostPort(syslog, "--syslog");
            channels.Add(new AlertChannel
            {
                Type = AlertChannelTypes.Syslog,
                SyslogHost = host,
                SyslogPort = port,
                SyslogTransport = parse.GetValue(SyslogTransport),
                SyslogFormat = parse.GetValue(SyslogFormat),
                SyslogFacility = parse.GetValue(SyslogFacility),
                CaCertificate = parse.GetValue(CaCertificate),
            });
        }

        var types = Split(parse.GetValue(Types));
        var devices = parse.GetValue(Devices) ?? [];
        var rule = new AlertRule
        {
            Name = parse.GetValue(Name) ?? throw new UsageException("a rule needs --name (or give rules in --file)"),
            Match = new AlertMatch
            {
                Types = types.Count == 0 ? null : types,
                Classification = parse.GetValue(Unplanned) ? "unplanned" : parse.GetValue(Planned) ? "planned" : null,
                Devices = devices.Length == 0 ? null : devices,
                Hosts = parse.GetValue(Hosts),
                Ports = parse.GetValue(Ports),
            },
            QuietHours = quiet,
            Channels = channels,
        };
        if (AlertRuleValidation.Problems(rule) is { Count: > 0 } problems)
        {
            throw new UsageException(string.Join("; ", problems.Select(p => $"{OptionOf(p.Field)}: {p.Message}")));
        }

        return rule;
    }

    private static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static (string Host, int? Port) HostPort(string text, string option)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || text.Count(c => c == ':') > 1 && !text.StartsWith('['))
        {
            return (text, null);
        }

        return int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (text[..colon].Trim('[', ']'), port)
            : throw new UsageException($"{option} '{text}': the port after ':' is not a number");
    }

    /// <summary>The option a rule field came from, so errors name what the user typed.</summary>
    private static string OptionOf(string field) => field switch
    {
        "name" => "--name",
        "match.types" => "--type",
        "match.hosts" => "--hosts",
        "match.ports" => "--ports",
        "quietHours.start" or "quietHours.end" => "--quiet-hours",
        "quietHours.timeZone" => "--time-zone",
        "quietHours.mode" => "--quiet-mode",
        "channels" => "channels (--webhook, --slack, --teams, --email, --syslog)",
        _ when field.StartsWith("channels[", StringComparison.Ordinal) => field[(field.LastIndexOf('.') + 1)..] switch
        {
            "to" => "--email",
            "url" => "url (--webhook, --slack, --teams)",
            "smtpHost" or "smtpPort" => "--smtp",
            "syslogHost" or "syslogPort" => "--syslog",
            "caCertificate" => "--ca-cert",
            var name => "--" + string.Concat(name.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString())),
        },
        _ => field,
    };
}
