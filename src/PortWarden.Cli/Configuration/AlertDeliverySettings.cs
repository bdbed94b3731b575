using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using PortWarden.Alerts.Dispatch;

namespace PortWarden.Cli.Configuration;

/// <summary>The "Hub:Alerts" section: how the hub retries alert deliveries before it dead-letters them.</summary>
internal sealed class AlertDeliverySettings
{
    [Description("Attempts at one delivery before it is dead (kept, listed by the API, retried only by hand).")]
    [Range(1, 100, ErrorMessage = "must be between {1} and {2}")]
    [Flag("--alert-max-attempts")]
    public int MaxAttempts { get; set; } = 8;

    [Description("Seconds to wait after the first failed attempt; each further failure doubles the wait.")]
    [Range(1, 86400, ErrorMessage = "must be between {1} and {2} seconds")]
    [Flag("--alert-first-retry")]
    public int FirstRetrySeconds { get; set; } = 30;

    [Description("The longest wait between two attempts, in seconds.")]
    [Range(1, 604800, ErrorMessage = "must be between {1} and {2} seconds")]
    [Flag("--alert-max-retry")]
    public int MaxRetrySeconds { get; set; } = 3600;

    [Description("Seconds one send (webhook call, SMTP session, syslog message) may take before it counts as failed.")]
    [Range(1, 600, ErrorMessage = "must be between {1} and {2} seconds")]
    [Flag("--alert-send-timeout")]
    public int SendTimeoutSeconds { get; set; } = 30;

    public AlertDeliveryOptions ToOptions() => new()
    {
        MaxAttempts = MaxAttempts,
        FirstRetryDelay = TimeSpan.FromSeconds(FirstRetrySeconds),
        MaxRetryDelay = TimeSpan.FromSeconds(Math.Max(MaxRetrySeconds, FirstRetrySeconds)),
        SendTimeout = TimeSpan.FromSeconds(SendTimeoutSeconds),
    };
}
