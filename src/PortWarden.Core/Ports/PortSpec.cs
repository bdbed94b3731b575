namespace PortWarden.Core.Ports;

/// <summary>
/// Which ports to scan: nmap-compatible include and exclude lists, e.g. "22,80,8000-8100", "-", "-1024",
/// "60000-", "T:1-1024,U:53,161", "ssh,https". Unprefixed items apply to both protocols.
/// </summary>
public sealed class PortSpec
{
    private PortSpec(IReadOnlyList<PortRange> include, IReadOnlyList<PortRange> exclude)
    {
        Include = include;
        Exclude = exclude;
    }

    /// <summary>Ports 1-1024 and every other port of a well-known service.</summary>
    public static PortSpec Default { get; } = Parse("1-1024," + string.Join(',', ServiceTable.Default.PortsNamed("*")
        .Where(entry => entry.Port > 1024)
        .Select(entry => $"{(entry.Protocol == Protocol.Tcp ? "T" : "U")}:{entry.Port}")
        .Distinct()));

    public IReadOnlyList<PortRange> Include { get; }

    public IReadOnlyList<PortRange> Exclude { get; }

    /// <summary>Parses an include list and an optional exclude list; throws <see cref="SpecFormatException"/> naming the bad item.</summary>
    public static PortSpec Parse(string include, string? exclude = null, ServiceTable? services = null)
    {
        ArgumentNullException.ThrowIfNull(include);
        services ??= ServiceTable.Default;
        var included = PortListParser.Parse(include, "port", services);
        var excluded = string.IsNullOrWhiteSpace(exclude) ? [] : PortListParser.Parse(exclude, "excluded port", services);
        return new PortSpec(included, excluded);
    }

    /// <summary>The resolved ports of one protocol.</summary>
    public PortSet For(Protocol protocol) => PortSet.From(Include, Exclude, protocol);

    /// <summary>True when an include item names <paramref name="protocol"/> explicitly (a T: or U: prefix, or a service of that protocol).</summary>
    public bool NamesExplicitly(Protocol protocol) =>
        Include.Any(range => range.Protocols != PortProtocols.Both && range.Protocols.Includes(protocol));

    /// <summary>The include list in canonical form, which parses back to the same ports.</summary>
    public string IncludeText => Canonical(Include);

    /// <summary>The exclude list in canonical form ("" when there is none).</summary>
    public string ExcludeText => Canonical(Exclude);

    // A prefix holds until the next one, so ranges for both protocols must come before any prefixed range.
    private static string Canonical(IEnumerable<PortRange> ranges) =>
        string.Join(',', ranges.OrderBy(range => range.Protocols == PortProtocols.Both ? 0 : 1));

    public override string ToString() => Exclude.Count == 0 ? IncludeText : $"{IncludeText} except {ExcludeText}";
}
