using System.CommandLine;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning;
using PortWarden.Scanning.Checkpoints;
using PortWarden.Scanning.Udp;

namespace PortWarden.Cli.Commands;

/// <summary>The options every scanning command shares (what to scan and how), and turning them into a scan request.</summary>
internal sealed class ScanOptionSet
{
    public Argument<string[]> Targets { get; } = new("targets")
    {
        Description = "Hosts and networks: addresses, host names, CIDR blocks (10.0.0.0/24, fd00::/120), ranges " +
            "(192.168.1.20-100, 10.0.1-3.1-254, 10.0.0.250-10.0.1.5), separated by spaces or commas.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> Ports { get; } = new("--ports", "-p")
    {
        Description = "Ports, nmap style: 22,80,8000-8100 | - (all) | -1024 | 60000- | T:1-1024,U:53 | ssh,https. " +
            "UDP is scanned when the spec names UDP ports (U:) or --engine udp is chosen; ports without a prefix then " +
            "count for both protocols. Default: 1-1024 and other well-known service ports.",
        HelpName = "spec",
    };

    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Targets to leave out, same syntax as the targets.",
        HelpName = "targets",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> ExcludePorts { get; } = new("--exclude-ports")
    {
        Description = "Ports to leave out, same syntax as --ports.",
        HelpName = "spec",
    };

    public Option<string?> Engine { get; } = new("--engine")
    {
        Description = $"Scan engine: {string.Join(", ", ScanEngines.Names)}. Default: connect for TCP ports and udp for UDP ports, both in one scan when the ports name both.",
        HelpName = "name",
    };

    public Option<string?> SourceAddresses { get; } = new("--source-addresses")
    {
        Description = "UDP: send probes from these local addresses (198.18.5.10-73, a list or a CIDR block), or from the first N " +
            "addresses (in ascending order) of the interface that reaches each target. Targets limit ICMP errors per source " +
            "address, so more sources scan closed ports faster. Default: the system's choice (one source).",
        HelpName = "addresses|N",
    };

    public Option<int?> Timeout { get; } = new("--timeout")
    {
        Description = "Longest wait for one probe's answer, in milliseconds (the timeout adapts below it). Default: 1000.",
        HelpName = "ms",
    };

    public Option<int?> Concurrency { get; } = new("--concurrency")
    {
        Description = "Most probes in flight at once. Default: 1024 (fewer if the file descriptor limit is lower).",
        HelpName = "n",
    };

    public Option<double?> Rate { get; } = new("--rate")
    {
        Description = "Most probes sent per second. Default: no limit.",
        HelpName = "pps",
    };

    public Option<int?> Retries { get; } = new("--retries")
    {
        Description = "Most retransmissions of an unanswered probe (fewer are sent when no loss is seen). Default: 10.",
        HelpName = "n",
    };

    public Option<bool> NoDiscovery { get; } = new("--no-discovery", "-Pn")
    {
        Description = "Treat every host as up: scan all ports even of hosts that answer no discovery probe.",
    };

    public Option<bool> AllowLarge { get; } = new("--allow-large")
    {
        Description = $"Allow more than {TargetSet.DefaultAddressLimit} target addresses.",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Targets);
        foreach (var option in new Option[] { Ports, ExcludePorts, Exclude, Engine, SourceAddresses, Timeout, Concurrency, Rate, Retries, NoDiscovery, AllowLarge })
        {
            command.Options.Add(option);
        }

        Positive(Timeout, "--timeout");
        Positive(Concurrency, "--concurrency");
        Retries.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0 or > 50)
            {
                result.AddError("--retries must be between 0 and 50.");
            }
        });
        Rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } rate && (rate <= 0 || double.IsNaN(rate) || double.IsInfinity(rate)))
            {
                result.AddError("--rate must be a positive number of probes per second.");
            }
        });
        Engine.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string?>();
            if (name is not null && !ScanEngines.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"unknown engine '{name}'; available: {string.Join(", ", ScanEngines.Names)}.");
            }
        });
    }

    /// <summary>
    /// Parses the specs, picks the engine and resolves the targets: every error is reported before anything is scanned.
    /// When <paramref name="resuming"/> is given, targets and ports left out come from it, and the scan must be the same.
    /// </summary>
    public async Task<(IScanEngine Engine, ScanRequest Request, ScanDefinition Definition)> BuildAsync(
        ParseResult parse, TimeProvider time, IHostResolver resolver, CancellationToken cancellationToken, ScanDefinition? resuming = null)
    {
        var recorded = resuming?.Options ?? RecordedOptions.None;
        var targetText = string.Join(' ', parse.GetValue(Targets) ?? []);
        var excludeText = string.Join(' ', parse.GetValue(Exclude) ?? []);
        var requested = parse.GetValue(Ports);
        var excludePorts = parse.GetValue(ExcludePorts);
        if (resuming is not null)
        {
            targetText = targetText.Length > 0 ? targetText : resuming.Targets;
            excludeText = excludeText.Length > 0 || targetText != resuming.Targets ? excludeText : resuming.Exclude;
            requested ??= resuming.Ports;
            excludePorts ??= resuming.ExcludePorts.Length > 0 ? resuming.ExcludePorts : null;
        }

        if (targetText.Length == 0)
        {
            throw new UsageException("no targets given");
        }

        var ports = PortSpec.Parse(requested ?? PortSpec.Default.IncludeText, excludePorts);
        var (engine, tcp, udp) = ChooseEngine(parse.GetValue(Engine), ports, explicitSpec: requested is not null, time);
        var sourceText = parse.GetValue(SourceAddresses) ?? recorded.SourceAddresses;
        var sources = sourceText is null ? null : SourceAddressSpec.Parse(sourceText);
        if (sources is not null)
        {
            if (udp.IsEmpty)
            {
                throw new UsageException("--source-addresses is used by the udp engine, and this scan has no UDP ports");
            }

            SourceAddressResolver.Validate(sources);
        }

        var targets = await TargetSet.ParseAsync(targetText, excludeText, parse.GetValue(AllowLarge), resolver, cancellationToken).ConfigureAwait(false);
        if (sources?.Count is not null && targets.Enumerate().FirstOrDefault() is { } first)
        {
            // Fails early, with the interface named, when it has fewer addresses than asked for.
            new SourceAddressResolver(sources).For(first.Address);
        }

        var given = new RecordedOptions(
            sourceText,
            parse.GetValue(Rate) ?? recorded.Rate,
            parse.GetValue(Retries) ?? recorded.Retries,
            parse.GetValue(Timeout) ?? recorded.TimeoutMs,
            parse.GetValue(Concurrency) ?? recorded.Concurrency,
            parse.GetValue(NoDiscovery) || recorded.NoDiscovery);
        var defaults = new ScanOptions();
        var options = defaults with
        {
            MaxTimeout = given.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.MaxTimeout,
            Concurrency = given.Concurrency ?? defaults.Concurrency,
            RatePerSecond = given.Rate,
            MaxRetries = given.Retries ?? defaults.MaxRetries,
            HostDiscovery = !given.NoDiscovery,
            SourceAddresses = sources,
        };
        options = options with
        {
            MinTimeout = options.MinTimeout < options.MaxTimeout ? options.MinTimeout : options.MaxTimeout,
            InitialTimeout = options.InitialTimeout < options.MaxTimeout ? options.InitialTimeout : options.MaxTimeout,
        };
        var definition = new ScanDefinition(targetText, excludeText, ports.IncludeText, ports.ExcludeText, engine.Name) { Options = given };
        if (resuming?.DifferenceFrom(definition) is { } difference)
        {
            throw new UsageException($"the checkpoint was written for another scan ({difference}); resume it with the same targets and ports, or leave them out");
        }

        return (engine, new ScanRequest(targets, tcp, udp, options), definition);
    }

    /// <summary>
    /// The engine for the ports: --engine if given (which must suit them), else connect for TCP and udp for UDP, combined
    /// when both are scanned. UDP is scanned only when the spec names UDP ports or the udp engine is chosen.
    /// </summary>
    private static (IScanEngine Engine, PortSet Tcp, PortSet Udp) ChooseEngine(string? name, PortSpec ports, bool explicitSpec, TimeProvider time)
    {
        var services = ServiceTable.Default;
        switch (name?.ToUpperInvariant())
        {
            case "CONNECT":
                if (explicitSpec && ports.NamesExplicitly(Protocol.Udp))
                {
                    throw new UsageException("the connect engine scans TCP only: remove the U: ports, or leave out --engine to scan them with the udp engine");
                }

                var tcpOnly = ports.For(Protocol.Tcp);
                return tcpOnly.IsEmpty ? throw new UsageException($"no TCP ports left to scan in '{ports}'") : (ScanEngines.Create("connect", time, services)!, tcpOnly, PortSet.Empty);
            case "UDP":
                if (explicitSpec && ports.NamesExplicitly(Protocol.Tcp))
                {
                    throw new UsageException("the udp engine scans UDP only: remove the T: ports, or leave out --engine to scan them with the connect engine");
                }

                var udpOnly = ports.For(Protocol.Udp);
                return udpOnly.IsEmpty ? throw new UsageException($"no UDP ports left to scan in '{ports}'") : (ScanEngines.Create("udp", time, services)!, PortSet.Empty, udpOnly);
        }

        var tcp = ports.For(Protocol.Tcp);
        var udp = explicitSpec && ports.NamesExplicitly(Protocol.Udp) ? ports.For(Protocol.Udp) : PortSet.Empty;
        if (udp.IsEmpty)
        {
            return tcp.IsEmpty ? throw new UsageException($"no TCP ports left to scan in '{ports}'") : (ScanEngines.Create("connect", time, services)!, tcp, udp);
        }

        var udpEngine = ScanEngines.Create("udp", time, services)!;
        return tcp.IsEmpty ? (udpEngine, tcp, udp) : (new CombinedScanEngine(ScanEngines.Create("connect", time, services)!, udpEngine), tcp, udp);
    }

    private static void Positive(Option<int?> option, string name) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int?>() is <= 0)
        {
            result.AddError($"{name} must be a positive whole number.");
        }
    });
}
