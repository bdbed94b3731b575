using System.Globalization;
using System.Net.Sockets;
using PortWarden.Core;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// Builds nmap's argument vectors from a scan request: XML on stdout with progress, the scan types, the ports
/// with T:/U: prefixes, timing the user changed from the defaults, allow-listed extra options, exclusions, and
/// the targets after "--" so that none can be read as an option. IPv4 and IPv6 targets need separate runs
/// (nmap scans IPv6 only with -6).
/// </summary>
internal static class NmapArguments
{
    /// <summary>Why <paramref name="text"/> could smuggle an option or a second line into nmap's arguments, or null when it cannot.</summary>
    public static string? InjectionProblem(string text, bool mustBeOption)
    {
        if (text.AsSpan().IndexOfAny('\0', '\n', '\r') >= 0)
        {
            return "contains a NUL or line-break character";
        }

        if (text.Length == 0)
        {
            return "is empty";
        }

        if (!mustBeOption && text[0] == '-')
        {
            return "starts with '-', so nmap would read it as an option";
        }

        if (mustBeOption && text[0] != '-')
        {
            return "is not an option (options start with '-')";
        }

        return null;
    }

    public static IReadOnlyList<NmapInvocation> Build(ScanRequest request, TimeSpan statsInterval)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TcpPorts.IsEmpty && request.UdpPorts.IsEmpty)
        {
            throw new ArgumentException("the request has no ports to scan", nameof(request));
        }

        var options = request.Options;
        var extras = NmapExtraOptions.Translate(options.NmapExtraArguments);
        var include = request.Targets.Include.Entries;
        var exclude = request.Targets.Exclude.Entries;
        var invocations = new List<NmapInvocation>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var targets = include.Where(entry => NmapTargets.FamilyOf(entry) == family).SelectMany(NmapTargets.Include).ToList();
            if (targets.Count == 0)
            {
                continue;
            }

            var arguments = new List<string> { "-oX", "-", "--no-stylesheet", "-v", "-n", "--stats-every", Milliseconds(statsInterval) };
            if (family == AddressFamily.InterNetworkV6)
            {
                arguments.Add("-6");
            }

            arguments.AddRange(ScanTypes(request));
            arguments.AddRange(["-p", PortArgument(request)]);
            arguments.AddRange(Timing(options));
            arguments.AddRange(extras);
            var excluded = exclude.Where(entry => NmapTargets.FamilyOf(entry) == family).SelectMany(NmapTargets.Exclude).ToList();
            if (excluded.Count > 0)
            {
                excluded.ForEach(text => Check(text, request.Targets.Exclude.Text, "excluded target"));
                arguments.AddRange(["--exclude", string.Join(',', excluded)]);
            }

            targets.ForEach(text => Check(text, request.Targets.Include.Text, "target"));
            arguments.Add("--");
            arguments.AddRange(targets);
            invocations.Add(new NmapInvocation(family, arguments));
        }

        return invocations;
    }

    private static IEnumerable<string> ScanTypes(ScanRequest request)
    {
        if (!request.TcpPorts.IsEmpty)
        {
            yield return request.Options.TcpScanType == TcpScanType.Syn ? "-sS" : "-sT";
        }

        if (!request.UdpPorts.IsEmpty)
        {
            yield return "-sU";
        }

        if (request.Options.ServiceDetection)
        {
            yield return "-sV";
        }

        if (!request.Options.HostDiscovery)
        {
            yield return "-Pn";
        }
    }

    private static string PortArgument(ScanRequest request)
    {
        var parts = new List<string>();
        if (!request.TcpPorts.IsEmpty)
        {
            parts.Add($"T:{request.TcpPorts}");
        }

        if (!request.UdpPorts.IsEmpty)
        {
            parts.Add($"U:{request.UdpPorts}");
        }

        return string.Join(',', parts);
    }

    // Only what the user changed: options left at PortWarden's defaults let nmap's own timing (or a -T template) decide.
    private static IEnumerable<string> Timing(ScanOptions options)
    {
        var defaults = new ScanOptions();
        if (options.MaxTimeout != defaults.MaxTimeout)
        {
            yield return "--max-rtt-timeout";
            yield return Milliseconds(options.MaxTimeout);
        }

        if (options.MinTimeout != defaults.MinTimeout)
        {
            yield return "--min-rtt-timeout";
            yield return Milliseconds(options.MinTimeout);
        }

        if (options.InitialTimeout != defaults.InitialTimeout)
        {
            yield return "--initial-rtt-timeout";
            yield return Milliseconds(options.InitialTimeout);
        }

        if (options.MaxRetries != defaults.MaxRetries)
        {
            yield return "--max-retries";
            yield return options.MaxRetries.ToString(CultureInfo.InvariantCulture);
        }

        if (options.RatePerSecond is { } rate)
        {
            yield return "--max-rate";
            yield return rate.ToString("0.######", CultureInfo.InvariantCulture);
        }

        if (options.Concurrency != defaults.Concurrency)
        {
            yield return "--max-parallelism";
            yield return options.Concurrency.ToString(CultureInfo.InvariantCulture);
        }

        if (options.HostParallelism != defaults.HostParallelism)
        {
            yield return "--max-hostgroup";
            yield return options.HostParallelism.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Milliseconds(TimeSpan span) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds))}ms");

    private static void Check(string target, string spec, string kind)
    {
        if (InjectionProblem(target, mustBeOption: false) is { } problem)
        {
            var position = spec.IndexOf(target, StringComparison.Ordinal);
            throw new SpecFormatException(kind, spec, target, position < 0 ? 1 : position + 1, problem);
        }
    }
}
