using System.Text.Json;
using System.Text.Json.Serialization;
using PortWarden.Core.Scanning;

namespace PortWarden.Core.Tracking;

/// <summary>A tracker's engine options as users set them (unset values keep the engine's defaults); stored as JSON.</summary>
public sealed record TrackerOptions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter<TcpScanType>(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Longest wait for one probe, in milliseconds.</summary>
    public int? TimeoutMs { get; init; }

    public int? Concurrency { get; init; }

    /// <summary>Most probes per second.</summary>
    public double? Rate { get; init; }

    public int? Retries { get; init; }

    /// <summary>Treat every host as up (skip host discovery).</summary>
    public bool? NoDiscovery { get; init; }

    /// <summary>Local addresses UDP probes are sent from, as <see cref="SourceAddressSpec"/> text.</summary>
    public string? SourceAddresses { get; init; }

    /// <summary>The nmap executable or its directory (the nmap engine).</summary>
    public string? NmapPath { get; init; }

    /// <summary>Identify products and versions (nmap -sV).</summary>
    public bool? ServiceDetection { get; init; }

    /// <summary>How the nmap engine probes TCP ports.</summary>
    public TcpScanType? ScanType { get; init; }

    /// <summary>Extra nmap options, each NAME or NAME=VALUE from the nmap engine's allow-list.</summary>
    public IReadOnlyList<string>? NmapOptions { get; init; }

    public static TrackerOptions Parse(string json) =>
        JsonSerializer.Deserialize<TrackerOptions>(json, Json) ?? new TrackerOptions();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>These options, with the values they leave unset taken from <paramref name="fallback"/>.</summary>
    public TrackerOptions Or(TrackerOptions fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new TrackerOptions
        {
            TimeoutMs = TimeoutMs ?? fallback.TimeoutMs,
            Concurrency = Concurrency ?? fallback.Concurrency,
            Rate = Rate ?? fallback.Rate,
            Retries = Retries ?? fallback.Retries,
            NoDiscovery = NoDiscovery ?? fallback.NoDiscovery,
            SourceAddresses = SourceAddresses ?? fallback.SourceAddresses,
            NmapPath = NmapPath ?? fallback.NmapPath,
            ServiceDetection = ServiceDetection ?? fallback.ServiceDetection,
            ScanType = ScanType ?? fallback.ScanType,
            NmapOptions = NmapOptions ?? fallback.NmapOptions,
        };
    }

    /// <summary>Problems with the values, as (field, message) pairs; empty when valid.</summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (TimeoutMs is <= 0 or > 600_000)
        {
            yield return ("timeoutMs", "must be between 1 and 600000 milliseconds");
        }

        if (Concurrency is <= 0 or > 65536)
        {
            yield return ("concurrency", "must be between 1 and 65536");
        }

        if (Rate is { } rate && (rate <= 0 || double.IsNaN(rate) || double.IsInfinity(rate)))
        {
            yield return ("rate", "must be a positive number of probes per second");
        }

        if (Retries is < 0 or > 50)
        {
            yield return ("retries", "must be between 0 and 50");
        }

        if (SourceAddressProblem() is { } problem)
        {
            yield return ("sourceAddresses", problem);
        }
    }

    private string? SourceAddressProblem()
    {
        try
        {
            _ = SourceAddresses is null ? null : SourceAddressSpec.Parse(SourceAddresses);
            return null;
        }
        catch (SpecFormatException error)
        {
            return error.Message;
        }
    }

    public ScanOptions ToScanOptions()
    {
        var defaults = new ScanOptions();
        var options = defaults with
        {
            MaxTimeout = TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.MaxTimeout,
            Concurrency = Concurrency ?? defaults.Concurrency,
            RatePerSecond = Rate,
            MaxRetries = Retries ?? defaults.MaxRetries,
            HostDiscovery = NoDiscovery is not true,
            SourceAddresses = SourceAddresses is null ? null : SourceAddressSpec.Parse(SourceAddresses),
            NmapPath = NmapPath,
            ServiceDetection = ServiceDetection is true,
            TcpScanType = ScanType ?? defaults.TcpScanType,
            NmapExtraArguments = NmapOptions ?? [],
        };
        return options with
        {
            MinTimeout = options.MinTimeout < options.MaxTimeout ? options.MinTimeout : options.MaxTimeout,
            InitialTimeout = options.InitialTimeout < options.MaxTimeout ? options.InitialTimeout : options.MaxTimeout,
        };
    }
}
