using System.Net;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// The hosts an nmap scan covered, as far as can be known without the network: nmap leaves hosts that did not
/// answer out of its XML, so a covered host the file does not list was down. Host names are never resolved: a
/// name's host is covered only if the file lists it. Addresses are enumerated lazily, so a /8 is never held.
/// </summary>
public sealed class NmapHostCoverage
{
    private readonly IReadOnlyList<TargetEntry> include;
    private readonly IReadOnlyList<TargetEntry> exclude;
    private readonly bool distinct;

    private NmapHostCoverage(IReadOnlyList<TargetEntry> include, IReadOnlyList<TargetEntry> exclude, bool distinct, string description)
    {
        this.include = include;
        this.exclude = exclude;
        this.distinct = distinct;
        Description = description;
    }

    /// <summary>Nothing is known to be covered beyond the hosts the file lists.</summary>
    public static NmapHostCoverage None { get; } = new([], [], true, "only the hosts the file lists");

    /// <summary>Where the coverage comes from, for messages ("its command line's targets 10.0.0.0/24").</summary>
    public string Description { get; }

    /// <summary>True when no address beyond the listed hosts is covered.</summary>
    public bool IsEmpty => include.Count == 0;

    /// <summary>The addresses of <paramref name="targets"/> less <paramref name="excluded"/>; host-name entries cover nothing.</summary>
    public static NmapHostCoverage Of(TargetSpec targets, TargetSpec excluded, string description)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(excluded);
        return new NmapHostCoverage(Placed(targets), Placed(excluded), distinct: false, description);
    }

    /// <summary>Exactly <paramref name="hosts"/>.</summary>
    public static NmapHostCoverage OfHosts(IEnumerable<IPAddress> hosts, string description)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return new NmapHostCoverage([.. hosts.Distinct().Select(address => new SingleAddressEntry(address.ToString(), 0, address))], [], distinct: true, description);
    }

    /// <summary>Each covered address once, in the order of the entries.</summary>
    public IEnumerable<ScanTarget> Enumerate()
    {
        for (var i = 0; i < include.Count; i++)
        {
            foreach (var target in include[i].Enumerate())
            {
                if (!exclude.Any(entry => entry.Contains(target.Address)) && (distinct || !CoveredBefore(target.Address, i)))
                {
                    yield return target;
                }
            }
        }

        bool CoveredBefore(IPAddress address, int index)
        {
            for (var j = 0; j < index; j++)
            {
                if (include[j].Contains(address))
                {
                    return true;
                }
            }

            return false;
        }
    }

    // A host name cannot be placed without asking the network, which an import never does.
    private static List<TargetEntry> Placed(TargetSpec spec) => [.. spec.Entries.Where(entry => entry is not HostNameEntry)];
}
