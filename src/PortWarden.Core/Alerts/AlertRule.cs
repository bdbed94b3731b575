namespace PortWarden.Core.Alerts;

/// <summary>
/// Which events raise an alert, when not to send it (quiet hours), and where it goes. Each poll gives at most one
/// message per rule, listing every matching event of that poll, so a change of a whole network is one message.
/// The shape is also the JSON of the API, the config file and `alerts add --file`.
/// </summary>
public sealed record AlertRule
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public bool Enabled { get; init; } = true;

    public AlertMatch Match { get; init; } = new();

    public QuietHours? QuietHours { get; init; }

    public IReadOnlyList<AlertChannel> Channels { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The channel called <paramref name="name"/> (names are unique within a rule).</summary>
    public AlertChannel? Channel(string name) => Channels.FirstOrDefault(channel => string.Equals(channel.NameOrDefault, name, StringComparison.Ordinal));
}

/// <summary>What a rule matches; every condition given must hold, and an empty match takes every change.</summary>
public sealed record AlertMatch
{
    /// <summary>Event types (port-opened, …); null means every change type (not baseline or poll-completed).</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>"planned" or "unplanned"; null means both.</summary>
    public string? Classification { get; init; }

    /// <summary>Device names (any case); null or empty means every device.</summary>
    public IReadOnlyList<string>? Devices { get; init; }

    /// <summary>Host addresses, ranges or CIDR blocks.</summary>
    public string? Hosts { get; init; }

    /// <summary>Ports in nmap syntax with T:/U: prefixes, e.g. "22,T:3389,U:161".</summary>
    public string? Ports { get; init; }
}

/// <summary>
/// Times of day (in <see cref="TimeZone"/>, UTC by default) when a rule sends nothing: its messages are deferred
/// to the end of the quiet period ("defer", the default: nothing is lost) or dropped and kept as suppressed ("suppress").
/// A period that ends before it starts spans midnight (22:00-07:00).
/// </summary>
public sealed record QuietHours
{
    public string Start { get; init; } = "";

    public string End { get; init; } = "";

    public string? TimeZone { get; init; }

    public string? Mode { get; init; }
}

/// <summary>
/// One destination of a rule. <see cref="Type"/> says which fields apply: webhook (url, secret), slack and teams (url),
/// email (to, from, smtpHost, smtpPort, smtpSecurity, smtpUser, smtpPassword), syslog (syslogHost, syslogPort,
/// syslogTransport, syslogFormat, syslogFacility); caCertificate (a PEM file to trust) for TLS of email and syslog.
/// </summary>
public sealed record AlertChannel
{
    public string Type { get; init; } = "";

    /// <summary>Unique within the rule; default: the type (with a number when a rule has several of one type).</summary>
    public string? Name { get; init; }

    public string? Url { get; init; }

    /// <summary>The webhook's HMAC-SHA256 signing key.</summary>
    public string? Secret { get; init; }

    public IReadOnlyList<string>? To { get; init; }

    public string? From { get; init; }

    public string? SmtpHost { get; init; }

    public int? SmtpPort { get; init; }

    /// <summary>none, starttls, tls (implicit TLS) or auto (STARTTLS when offered).</summary>
    public string? SmtpSecurity { get; init; }

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public string? SyslogHost { get; init; }

    public int? SyslogPort { get; init; }

    /// <summary>udp (default), tcp or tls.</summary>
    public string? SyslogTransport { get; init; }

    /// <summary>The message text: rfc5424 (plain text with structured data, default), cef or leef.</summary>
    public string? SyslogFormat { get; init; }

    public string? SyslogFacility { get; init; }

    public string? CaCertificate { get; init; }

    public string NameOrDefault => Name ?? Type;

    /// <summary>The channel without its secrets, for listings.</summary>
    public AlertChannel WithoutSecrets() => this with
    {
        Secret = Secret is null ? null : Masked,
        SmtpPassword = SmtpPassword is null ? null : Masked,
    };

    /// <summary>What listings show instead of a secret; sending it back keeps the stored secret.</summary>
    public const string Masked = "********";
}
