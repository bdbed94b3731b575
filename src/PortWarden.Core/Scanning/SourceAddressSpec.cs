using System.Globalization;
using System.Net;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Scanning;

/// <summary>
/// Which local addresses probes are sent from. Either explicit addresses ("198.18.5.10-73", "10.0.0.5,10.0.0.6",
/// "fd00::10-1f", CIDR blocks; the same syntax as targets, without host names), or a count N: the first N
/// addresses, in ascending order, assigned to the network interface through which this machine reaches each
/// target (link-local IPv6 addresses left out). Spreading probes over several sources multiplies the ICMP
/// error budget that targets grant per source address.
/// </summary>
public sealed record SourceAddressSpec
{
    /// <summary>Most source addresses one scan may use.</summary>
    public const int MaxAddresses = 4096;

    private SourceAddressSpec(string text, IReadOnlyList<IPAddress> addresses, int? count)
    {
        Text = text;
        Addresses = addresses;
        Count = count;
    }

    /// <summary>The text the spec was parsed from.</summary>
    public string Text { get; }

    /// <summary>The explicit addresses (empty when the spec is a count).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>How many addresses of the interface towards each target to use, or null for explicit addresses.</summary>
    public int? Count { get; }

    /// <summary>Parses a count or an address list; throws <see cref="SpecFormatException"/> naming the bad part.</summary>
    public static SourceAddressSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Kind = "source address";
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxAddresses)
            {
                throw new SpecFormatException(Kind, text, trimmed, text.IndexOf(trimmed, StringComparison.Ordinal) + 1, $"a count of source addresses must be between 1 and {MaxAddresses}");
            }

            return new SourceAddressSpec(text, [], count);
        }

        var spec = TargetSpec.Parse(text, Kind);
        if (spec.Entries.Count == 0)
        {
            throw new SpecFormatException(Kind, text, "", 1, "no source addresses given");
        }

        var addresses = new List<IPAddress>();
        var seen = new HashSet<IPAddress>();
        foreach (var entry in spec.Entries)
        {
            if (entry is HostNameEntry)
            {
                throw new SpecFormatException(Kind, text, entry.Token, entry.Position, "source addresses must be IP addresses, not host names");
            }

            if (entry.Count > (UInt128)(MaxAddresses - addresses.Count))
            {
                throw new SpecFormatException(Kind, text, entry.Token, entry.Position, $"more than {MaxAddresses} source addresses");
            }

            addresses.AddRange(entry.Enumerate().Select(target => target.Address).Where(seen.Add));
        }

        return new SourceAddressSpec(text, addresses, null);
    }

    public override string ToString() => Text;
}
