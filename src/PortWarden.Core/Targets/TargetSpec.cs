using System.Net;
using System.Net.Sockets;

namespace PortWarden.Core.Targets;

/// <summary>
/// A parsed target specification: entries separated by spaces and/or commas, each an IPv4 or IPv6 address,
/// a CIDR block ("10.0.0.0/24", "fd00::/120"), a range ("192.168.1.20-100", "10.0.1-3.1-254",
/// "10.0.0.250-10.0.1.5") or a host name.
/// </summary>
public sealed class TargetSpec
{
    private TargetSpec(string text, IReadOnlyList<TargetEntry> entries)
    {
        Text = text;
        Entries = entries;
    }

    /// <summary>The specification with no entries.</summary>
    public static TargetSpec Empty { get; } = new("", []);

    /// <summary>The text the spec was parsed from.</summary>
    public string Text { get; }

    public IReadOnlyList<TargetEntry> Entries { get; }

    /// <summary>True when some entries are host names that <see cref="ResolveAsync"/> must turn into addresses.</summary>
    public bool NeedsResolution => Entries.Any(entry => entry is HostNameEntry);

    /// <summary>Sum of the entries' sizes (overlaps counted twice), saturating at <see cref="UInt128.MaxValue"/>.</summary>
    public UInt128 CountUpperBound => Entries.Aggregate(UInt128.Zero, (sum, entry) =>
        UInt128.MaxValue - sum < entry.Count ? UInt128.MaxValue : sum + entry.Count);

    /// <summary>Parses a specification; throws <see cref="SpecFormatException"/> naming the bad entry and its position.</summary>
    public static TargetSpec Parse(string text, string kind = "target")
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = TargetTokenizer.Tokenize(text, kind)
            .Select(token => TargetEntryParser.Parse(text, token.Token, token.Position, kind))
            .ToList();
        return new TargetSpec(text, entries);
    }

    /// <summary>Parses command-line arguments as one specification joined by spaces (positions count in the joined text).</summary>
    public static TargetSpec Parse(IEnumerable<string> arguments, string kind = "target") => Parse(string.Join(' ', arguments), kind);

    public bool Contains(IPAddress address) => Entries.Any(entry => entry.Contains(address));

    /// <summary>Resolves every host name once, keeping the name with its address; fails naming the first name that does not resolve.</summary>
    public async Task<TargetSpec> ResolveAsync(IHostResolver resolver, CancellationToken cancellationToken, string kind = "target")
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (!NeedsResolution)
        {
            return this;
        }

        var resolved = new List<TargetEntry>(Entries.Count);
        foreach (var entry in Entries)
        {
            resolved.Add(entry is HostNameEntry name ? await ResolveOneAsync(name).ConfigureAwait(false) : entry);
        }

        return new TargetSpec(Text, resolved);

        async Task<TargetEntry> ResolveOneAsync(HostNameEntry name)
        {
            IReadOnlyList<IPAddress> addresses;
            try
            {
                addresses = await resolver.ResolveAsync(name.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException error)
            {
                throw new SpecFormatException(kind, Text, name.Token, name.Position, $"host name does not resolve ({error.Message})");
            }

            // Like nmap: the first IPv4 address, else the first IPv6 one; other addresses are not scanned.
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
                ?? throw new SpecFormatException(kind, Text, name.Token, name.Position, "host name has no IPv4 or IPv6 address");
            if (name.PrefixLength is not { } prefix)
            {
                return new SingleAddressEntry(name.Token, name.Position, address, name.Name);
            }

            var (first, last) = IpNumber.Block(address, Math.Min(prefix, IpNumber.BitsOf(address.AddressFamily)));
            return new AddressRangeEntry(name.Token, name.Position, address.AddressFamily, first, last);
        }
    }

    public override string ToString() => Text;
}
