using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PortWarden.Cli.Configuration;

/// <summary>The "Agent" section: how `portwarden agent` runs. Defaults here are the documented defaults.</summary>
internal sealed class AgentSettings
{
    public const string Section = "Agent";

    [Description("The hub's URL, e.g. https://hub.example:5443 (needed to enrol).")]
    [Flag("--hub")]
    [HttpUrl]
    public string? Hub { get; set; }

    [Description("One-time enrolment token (needed on the first run only).")]
    [Flag("--token")]
    [Secret]
    public string? Token { get; set; }

    [Description("Where the agent keeps its credential, its tracker list and undelivered polls. Default: 'agent' beside the default database.")]
    [Flag("--data-dir")]
    public string? DataDir { get; set; }

    [Description("How the hub lists this agent. Default: the host name.")]
    [Flag("--name")]
    public string? Name { get; set; }

    [Description("Trust only this certificate authority (PEM) for the hub's HTTPS.")]
    [Flag("--ca-cert")]
    public string? CaCert { get; set; }

    [Description("Seconds between asking the hub for trackers.")]
    [Flag("--refresh")]
    [Range(1, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public int RefreshSeconds { get; set; } = 30;

    [Description("Polls run at the same time.")]
    [Flag("--max-polls")]
    [Range(1, 64, ErrorMessage = "must be between {1} and {2}")]
    public int MaxPolls { get; set; } = 2;

    [Description("Seconds a running poll may take to finish when the agent stops; then connect and udp polls are checkpointed and finished at the next start, others abandoned.")]
    [Flag("--shutdown-grace")]
    [Range(0, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public int ShutdownGraceSeconds { get; set; } = 20;

    [Description("Serve Prometheus metrics at this address, e.g. http://127.0.0.1:9464/.")]
    [Flag("--metrics-url")]
    [HttpUrl(PlainOnly = true)]
    public string? MetricsUrl { get; set; }
}
