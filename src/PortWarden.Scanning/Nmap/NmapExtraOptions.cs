using System.Text.RegularExpressions;
using PortWarden.Core;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// The nmap options a user may add to a scan: timing, rate, host discovery and version-detection tuning.
/// Nothing that reads or writes files (-iL, -oN, --datadir, --resume), runs scripts (--script), changes what
/// is scanned or how results are written is accepted, so a tracker's options cannot turn nmap into something else.
/// </summary>
internal static partial class NmapExtraOptions
{
    private enum ValueKind
    {
        None,
        Count,
        Rate,
        Time,
    }

    private static readonly Dictionary<string, ValueKind> Named = new(StringComparer.Ordinal)
    {
        ["-Pn"] = ValueKind.None,
        ["-PE"] = ValueKind.None,
        ["-PP"] = ValueKind.None,
        ["-PM"] = ValueKind.None,
        ["-PR"] = ValueKind.None,
        ["-r"] = ValueKind.None,
        ["--disable-arp-ping"] = ValueKind.None,
        ["--defeat-rst-ratelimit"] = ValueKind.None,
        ["--defeat-icmp-ratelimit"] = ValueKind.None,
        ["--randomize-hosts"] = ValueKind.None,
        ["--version-light"] = ValueKind.None,
        ["--version-all"] = ValueKind.None,
        ["--reason"] = ValueKind.None,
        ["--max-retries"] = ValueKind.Count,
        ["--min-parallelism"] = ValueKind.Count,
        ["--max-parallelism"] = ValueKind.Count,
        ["--min-hostgroup"] = ValueKind.Count,
        ["--max-hostgroup"] = ValueKind.Count,
        ["--version-intensity"] = ValueKind.Count,
        ["--ttl"] = ValueKind.Count,
        ["--min-rate"] = ValueKind.Rate,
        ["--max-rate"] = ValueKind.Rate,
        ["--min-rtt-timeout"] = ValueKind.Time,
        ["--max-rtt-timeout"] = ValueKind.Time,
        ["--initial-rtt-timeout"] = ValueKind.Time,
        ["--host-timeout"] = ValueKind.Time,
        ["--scan-delay"] = ValueKind.Time,
        ["--max-scan-delay"] = ValueKind.Time,
    };

    /// <summary>The accepted options, for error messages and help.</summary>
    public static string Described { get; } =
        "-T0..-T5, -PS/-PA/-PU/-PY[ports], " + string.Join(", ", Named.Select(entry => entry.Value == ValueKind.None ? entry.Key : $"{entry.Key}=N"));

    /// <summary>
    /// Turns options given as "NAME" or "NAME=VALUE" (or "NAME VALUE") into nmap arguments; throws
    /// <see cref="SpecFormatException"/> naming the first option that is not allowed or whose value is wrong.
    /// </summary>
    public static IReadOnlyList<string> Translate(IReadOnlyList<string> options)
    {
        var spec = string.Join(' ', options);
        var arguments = new List<string>();
        var position = 1;
        foreach (var option in options)
        {
            arguments.AddRange(TranslateOne(option, spec, position));
            position += option.Length + 1;
        }

        return arguments;
    }

    private static IEnumerable<string> TranslateOne(string option, string spec, int position)
    {
        SpecFormatException Refuse(string reason) => new("nmap option", spec, option, position, reason);

        if (NmapArguments.InjectionProblem(option, mustBeOption: true) is { } problem)
        {
            throw Refuse(problem);
        }

        var separator = option.IndexOfAny(['=', ' ']);
        var name = separator < 0 ? option : option[..separator];
        var value = separator < 0 ? null : option[(separator + 1)..];

        if (TimingTemplate().IsMatch(option) || PingProbe().IsMatch(option))
        {
            return [option];
        }

        if (!Named.TryGetValue(name, out var kind))
        {
            throw Refuse($"not an allowed nmap option; allowed: {Described}");
        }

        if (kind == ValueKind.None)
        {
            return value is null ? [name] : throw Refuse($"{name} takes no value");
        }

        if (value is null)
        {
            throw Refuse($"{name} needs a value, e.g. {name}={Example(kind)}");
        }

        var valid = kind switch
        {
            ValueKind.Count => Count().IsMatch(value),
            ValueKind.Rate => Rate().IsMatch(value),
            _ => Time().IsMatch(value),
        };
        return valid ? [name, value] : throw Refuse($"'{value}' is not a valid value for {name} (e.g. {name}={Example(kind)})");
    }

    private static string Example(ValueKind kind) => kind switch
    {
        ValueKind.Count => "3",
        ValueKind.Rate => "500",
        _ => "250ms",
    };

    [GeneratedRegex("^-T([0-5]|paranoid|sneaky|polite|normal|aggressive|insane)$")]
    private static partial Regex TimingTemplate();

    [GeneratedRegex("^-P[SAUY][0-9,-]*$")]
    private static partial Regex PingProbe();

    [GeneratedRegex("^[0-9]{1,9}$")]
    private static partial Regex Count();

    [GeneratedRegex(@"^[0-9]{1,9}(\.[0-9]{1,6})?$")]
    private static partial Regex Rate();

    [GeneratedRegex(@"^[0-9]{1,9}(\.[0-9]{1,6})?(ms|s|m|h)?$")]
    private static partial Regex Time();
}
