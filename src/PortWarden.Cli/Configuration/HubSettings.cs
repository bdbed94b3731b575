using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PortWarden.Cli.Configuration;

/// <summary>The "Hub" section: how `portwarden serve` runs. Defaults here are the documented defaults.</summary>
internal sealed class HubSettings : IValidatableObject
{
    public const string Section = "Hub";

    public const string DefaultUrl = "http://127.0.0.1:5080";

    // No initial list: the configuration binder appends configured elements to an existing array.
    [Description("Where to listen: http:// or https:// URLs (https needs Certificate).")]
    [DefaultValue(DefaultUrl)]
    [Flag("--urls")]
    [HttpUrl]
    public string[]? Urls { get; set; }

    /// <summary>The URLs to listen on: those configured, else the default.</summary>
    public IReadOnlyList<string> ListenUrls => Urls is { Length: > 0 } urls ? urls : [DefaultUrl];

    [Description("Database: a SQLite file, or PostgreSQL (postgres://user:password@host:port/db or Host=...;Database=...). Default: $PORTWARDEN_DB, else portwarden.db in the user's data directory.")]
    [Flag("--db")]
    [DatabaseLocation]
    public string? Db { get; set; }

    [Description("Where the hub keeps admin.key and its own agent's state. Default: 'hub' beside the SQLite database.")]
    [Flag("--data-dir")]
    public string? DataDir { get; set; }

    [Description("An admin API key to accept (also $PORTWARDEN_ADMIN_KEY). Without any, the hub writes a new one to admin.key.")]
    [Flag("--admin-key")]
    [Secret]
    public string? AdminKey { get; set; }

    [Description("The HTTPS certificate.")]
    public CertificateSettings Certificate { get; set; } = new();

    [Description("Run an agent inside the hub, with a self-scan tracker of this host.")]
    [Flag("--no-local-agent", Inverted = true)]
    public bool LocalAgent { get; set; } = true;

    [Description("Seconds an agent holds a shard of a network poll without renewing it.")]
    [Flag("--shard-lease")]
    [Range(5, 86400, ErrorMessage = "must be between {1} and {2} seconds")]
    public int ShardLeaseSeconds { get; set; } = 60;

    [Description("Seconds an agent's upload may be dated ahead of the hub's clock (its start or finish); a later one is refused with 400.")]
    [Flag("--upload-clock-skew")]
    [Range(0, 86400, ErrorMessage = "must be between {1} and {2} seconds")]
    public int UploadClockSkewSeconds { get; set; } = 300;

    [Description("How alert deliveries are retried (the rules themselves are the file's AlertRules section, the API or `portwarden alerts`).")]
    public AlertDeliverySettings Alerts { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Certificate.Path is null)
        {
            for (var index = 0; index < ListenUrls.Count; index++)
            {
                if (ListenUrls[index].StartsWith("https:", StringComparison.OrdinalIgnoreCase))
                {
                    yield return new ValidationResult("is HTTPS: give its certificate (Certificate:Path, --cert)", [$"{nameof(Urls)}:{index}"]);
                }
            }

            if (Certificate.KeyPath is not null || Certificate.Password is not null)
            {
                yield return new ValidationResult("is set, but there is no Certificate:Path (--cert)",
                    [Certificate.KeyPath is not null ? "Certificate:KeyPath" : "Certificate:Password"]);
            }
        }
    }
}
