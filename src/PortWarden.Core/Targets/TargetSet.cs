using System.Net;

namespace PortWarden.Core.Targets;

/// <summary>
/// The hosts a scan visits: the resolved include specification minus the exclusions, each address once,
/// enumerated lazily so that a /8 is never held in memory.
/// </summary>
public sealed class TargetSet
{
    /// <summary>Largest number of addresses accepted without an explicit "allow large" (2^20).</summary>
    public const int DefaultAddressLimit = 1 << 20;

    private TargetSet(TargetSpec include, TargetSpec exclude)
    {
        Include = include;
        Exclude = exclude;
    }

    public TargetSpec Include { get; }

    public TargetSpec Exclude { get; }

    /// <summary>An upper bound of the number of hosts (exclusions and overlaps not subtracted).</summary>
    public UInt128 CountUpperBound => Include.CountUpperBound;

    /// <summary>Builds the set from resolved specs, refusing more than <paramref name="addressLimit"/> addresses unless <paramref name="allowLarge"/>.</summary>
    public static TargetSet Create(TargetSpec include, TargetSpec? exclude = null, bool allowLarge = false, int addressLimit = DefaultAddressLimit)
    {
        ArgumentNullException.ThrowIfNull(include);
        exclude ??= TargetSpec.Empty;
        if (include.NeedsResolution || exclude.NeedsResolution)
        {
            throw new InvalidOperationException("resolve host names before building a target set");
        }

        if (!allowLarge && include.CountUpperBound > (UInt128)addressLimit)
        {
            var largest = include.Entries.MaxBy(entry => entry.Count)!;
            throw new SpecFormatException(
                "target", include.Text, largest.Token, largest.Position,
                $"the targets expand to {Describe(include.CountUpperBound)} addresses, more than the limit of {addressLimit}; pass --allow-large to scan them anyway");
        }

        return new TargetSet(include, exclude);
    }

    /// <summary>Parses, resolves and limits in one step: what a command needs before it scans.</summary>
    public static async Task<TargetSet> ParseAsync(
        string include, string? exclude, bool allowLarge, IHostResolver resolver, CancellationToken cancellationToken)
    {
        var includeSpec = TargetSpec.Parse(include);
        var excludeSpec = string.IsNullOrWhiteSpace(exclude) ? TargetSpec.Empty : TargetSpec.Parse(exclude, "excluded target");
        if (includeSpec.Entries.Count == 0)
        {
            throw new SpecFormatException("target", include, "", 1, "no targets given");
        }

        var resolvedInclude = await includeSpec.ResolveAsync(resolver, cancellationToken).ConfigureAwait(false);
        var resolvedExclude = await excludeSpec.ResolveAsync(resolver, cancellationToken, "excluded target").ConfigureAwait(false);
        return Create(resolvedInclude, resolvedExclude, allowLarge);
    }

    /// <summary>Each included, non-excluded address once, in the order of the entries.</summary>
    public IEnumerable<ScanTarget> Enumerate()
    {
        var entries = Include.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            foreach (var target in entries[i].Enumerate())
            {
                if (!Exclude.Contains(target.Address) && !CoveredBefore(target.Address, i))
                {
                    yield return target;
                }
            }
        }

        bool CoveredBefore(IPAddress address, int index)
        {
            for (var j = 0; j < index; j++)
            {
                if (entries[j].Contains(address))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Exact number of hosts, counted by enumeration (cheap within the address limit).</summary>
    public long Count() => Enumerate().LongCount();

    private static string Describe(UInt128 count) => count == UInt128.MaxValue ? "more than 2^128" : count.ToString();
}
