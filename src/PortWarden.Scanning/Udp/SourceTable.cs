using System.Net;
using System.Net.Sockets;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// The scan's source addresses, each with an index that names its socket, and the sources each target is probed
/// from: the chosen addresses of the target's family, or the system's choice (one wildcard socket per family)
/// when there are none.
/// </summary>
internal sealed class SourceTable(SourceAddressResolver resolver)
{
    private readonly List<ProbeSource> sources = [];
    private readonly Dictionary<(IPAddress?, AddressFamily), ProbeSource> byAddress = [];
    private readonly Dictionary<string, IReadOnlyList<ProbeSource>> sets = [];

    public ProbeSource this[int index] => sources[index];

    public int Count => sources.Count;

    /// <summary>The sources to probe <paramref name="target"/> from.</summary>
    public IReadOnlyList<ProbeSource> For(IPAddress target)
    {
        var addresses = resolver.For(target);
        var key = string.Join(',', addresses.Select(address => address.ToString()).DefaultIfEmpty(target.AddressFamily.ToString()));
        if (sets.TryGetValue(key, out var set))
        {
            return set;
        }

        set = addresses.Count == 0
            ? [Source(null, target.AddressFamily)]
            : addresses.Select(address => Source(address, address.AddressFamily)).ToList();
        sets[key] = set;
        return set;
    }

    private ProbeSource Source(IPAddress? address, AddressFamily family)
    {
        if (!byAddress.TryGetValue((address, family), out var source))
        {
            source = new ProbeSource(sources.Count, address, family);
            sources.Add(source);
            byAddress[(address, family)] = source;
        }

        return source;
    }
}
