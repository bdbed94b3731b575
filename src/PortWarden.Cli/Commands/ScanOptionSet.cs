using System.CommandLine;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning;
using PortWarden.Scanning.Checkpoints;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Nmap;
using PortWarden.Scanning.Udp;

namespace PortWarden.Cli.Commands;

/// <summary>The options every scanning command shares (what to scan and how), and turning them into a scan request.</summary>
internal sealed class ScanOptionSet
{
    public Argument<string[]> Targets { get; } = new("targets")
    {
        Description = "Hosts and networks: addresses, host names, CIDR blocks (10.0.0.0/24, fd00::/120), ranges " +
            "(192.168.1.20-100, 10.0.1-3.1-254, 10.0.0.250-10.0.1.5), separated by spaces or commas. None with --engine local.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> Ports { get; } = new("--ports", "-p")
    {
        Description = "Ports, nmap style: 22,80,8000-8100 | - (all) | -1024 | 60000- | T:1-1024,U:53 | ssh,https. " +
            "UDP is scanned when the spec names UDP ports (U:) or --engine udp is chosen; ports without a prefix then " +
            "count for both protocols. Default: 1-1024 and other well-known service ports; with --engine local, all ports of both protocols.",
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

    public Option<string?> NmapPath { get; } = new("--nmap-path")
    {
        Description = "The nmap executable, or its directory (--engine nmap). Default: PATH, then /usr/bin/nmap or Program Files.",
        HelpName = "path",
    };

    public Option<bool> ServiceDetection { get; } = new("--service-detection", "-sV")
    {
        Description = "Identify the product and version behind open ports (--engine nmap, which runs nmap -sV).",
    };

    public Option<TcpScanType> ScanType { get; } = new("--scan-type")
    {
        Description = "How --engine nmap probes TCP ports: connect (nmap -sT, no privileges) or syn (nmap -sS, needs root).",
        DefaultValueFactory = _ => TcpScanType.Connect,
    };

    public Option<string[]> NmapOptions { get; } = new("--nmap-option")
    {
        Description = "An extra nmap option for --engine nmap, as NAME or NAME=VALUE (e.g. --nmap-option=-T4, --nmap-option=--max-rate=500); " +
            "repeatable. Allowed: timing templates and timeouts, rates, parallelism, host discovery probes, version intensity.",
        HelpName = "option",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Targets);
        foreach (var option in new Option[] { Ports, ExcludePorts, Exclude, Engine, SourceAddresses, Timeout, Concurrency, Rate, Retries, NoDiscovery, AllowLarge, NmapPath, ServiceDetection, ScanType, NmapOptions })
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
            if (name is not null && !ScanPlan.Knows(name))
            {
                result.AddError($"unknown engine '{name}'; available: {string.Join(", ", ScanEngines.Names)}.");
            }
        });
    }

    /// <summary>
    /// Parses the specs, picks the engine and resolves the targets: every error is reported before anything is scanned.
    /// <paramref name="warn"/> is told of problems that do not stop the scan; <paramref name="self"/> asks for a self-scan
    /// (the local engine). When <paramref name="resuming"/> is given, targets, ports and options left out come from it,
    /// and the scan must be the same.
    /// </summary>
    public async Task<(IScanEngine Engine, ScanRequest Request, ScanDefinition Definition)> BuildAsync(
        ParseResult parse, TimeProvider time, IHostResolver resolver, CancellationToken cancellationToken,
        Action<string>? warn = null, bool self = false, ScanDefinition? resuming = null)
    {
        var engineName = parse.GetValue(Engine);
        if (self && engineName is not null && !string.Equals(engineName, LocalEngine.EngineName, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"a self-scan reads this machine's socket table with the {LocalEngine.EngineName} engine: drop --engine {engineName}");
        }

        if (self || string.Equals(engineName, LocalEngine.EngineName, StringComparison.OrdinalIgnoreCase))
        {
            return BuildSelfScan(parse, time, warn, resuming);
        }

        var options = resuming is null ? TrackerOptions(parse) : TrackerOptions(parse).Or(resuming.Options);

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
            throw new UsageException(
                $"no targets given: name the hosts or networks to scan, or use --engine {LocalEngine.EngineName} to list this machine's own listening ports");
        }

        var ports = PortSpec.Parse(requested ?? PortSpec.Default.IncludeText, excludePorts);
        var (engine, tcp, udp) = ScanPlan.Choose(engineName ?? resuming?.Engine, ports, explicitSpec: requested is not null, time, warn);
        var nmap = engine as NmapEngine;
        if (nmap is null)
        {
            RefuseNmapOptions(parse, engine.Name);
        }

        var scanOptions = options.ToScanOptions();
        if (scanOptions.SourceAddresses is { } sources)
        {
            if (udp.IsEmpty || nmap is not null)
            {
                throw new UsageException($"--source-addresses is used by the udp engine, and this scan {(nmap is null ? "has no UDP ports" : "runs nmap")}");
            }

            SourceAddressResolver.Validate(sources);
        }

        var targets = await TargetSet.ParseAsync(targetText, excludeText, parse.GetValue(AllowLarge), resolver, cancellationToken).ConfigureAwait(false);
        if (scanOptions.SourceAddresses?.Count is not null && targets.Enumerate().FirstOrDefault() is { } first)
        {
            // Fails early, with the interface named, when it has fewer addresses than asked for.
            new SourceAddressResolver(scanOptions.SourceAddresses).For(first.Address);
        }

        var definition = new ScanDefinition(targetText, excludeText, ports.IncludeText, ports.ExcludeText, engine.Name) { Options = options };
        if (resuming?.DifferenceFrom(definition) is { } difference)
        {
            throw new UsageException($"the checkpoint was written for another scan ({difference}); resume it with the same targets and ports, or leave them out");
        }

        var request = new ScanRequest(targets, tcp, udp, scanOptions);

        // nmap missing, an option off the allow-list: said now, before any output is written.
        nmap?.Plan(request);
        return (engine, request, definition);
    }

    /// <summary>The engine options given on the command line, as a tracker stores them (unset ones left null).</summary>
    public TrackerOptions TrackerOptions(ParseResult parse) => new()
    {
        TimeoutMs = parse.GetValue(Timeout),
        Concurrency = parse.GetValue(Concurrency),
        Rate = parse.GetValue(Rate),
        Retries = parse.GetValue(Retries),
        NoDiscovery = parse.GetValue(NoDiscovery) ? true : null,
        SourceAddresses = parse.GetValue(SourceAddresses),
        NmapPath = parse.GetValue(NmapPath),
        ServiceDetection = parse.GetValue(ServiceDetection) ? true : null,
        ScanType = parse.GetResult(ScanType) is { Implicit: false } ? parse.GetValue(ScanType) : null,
        NmapOptions = parse.GetValue(NmapOptions) is { Length: > 0 } extra ? extra : null,
    };

    private void RefuseNmapOptions(ParseResult parse, string engine)
    {
        var given = new (bool Given, string Name)[]
        {
            (parse.GetResult(NmapPath) is { Implicit: false }, "--nmap-path"),
            (parse.GetValue(ServiceDetection), "--service-detection"),
            (parse.GetResult(ScanType) is { Implicit: false }, "--scan-type"),
            (parse.GetValue(NmapOptions) is { Length: > 0 }, "--nmap-option"),
        };
        if (given.FirstOrDefault(option => option.Given) is { Name: { } name })
        {
            throw new UsageException($"{name} applies to --engine nmap only; the {engine} engine cannot use it");
        }
    }

    /// <summary>
    /// The local engine reads this machine's socket table: it takes no targets, and unprefixed ports apply to TCP
    /// and UDP alike, all of them by default. Nothing is probed, so there is nothing to resume.
    /// </summary>
    private (IScanEngine Engine, ScanRequest Request, ScanDefinition Definition) BuildSelfScan(
        ParseResult parse, TimeProvider time, Action<string>? warn, ScanDefinition? resuming)
    {
        RefuseNmapOptions(parse, LocalEngine.EngineName);
        if (parse.GetValue(SourceAddresses) is not null)
        {
            throw new UsageException($"--source-addresses is used by the udp engine; the {LocalEngine.EngineName} engine sends no probes");
        }

        if (resuming is not null)
        {
            throw new UsageException($"the {LocalEngine.EngineName} engine reads the socket table at once; there is no scan to resume");
        }

        var stray = (parse.GetValue(Targets) ?? []).Concat(parse.GetValue(Exclude) ?? []).FirstOrDefault();
        if (stray is not null)
        {
            throw new UsageException(
                $"the {LocalEngine.EngineName} engine reads this machine's own socket table and takes no targets: remove '{stray}'");
        }

        var ports = PortSpec.Parse(parse.GetValue(Ports) ?? "-", parse.GetValue(ExcludePorts));
        var (engine, tcp, udp) = ScanPlan.Choose(LocalEngine.EngineName, ports, explicitSpec: true, time, warn);
        var definition = new ScanDefinition("", "", ports.IncludeText, ports.ExcludeText, engine.Name);
        return (engine, new ScanRequest(TargetSet.Create(TargetSpec.Empty), tcp, udp, new ScanOptions()), definition);
    }

    private static void Positive(Option<int?> option, string name) => option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int?>() is <= 0)
        {
            result.AddError($"{name} must be a positive whole number.");
        }
    });
}
