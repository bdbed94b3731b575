using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Ingestion;

/// <summary>The error of a sharded poll some of whose shards failed: which, with their targets and errors.</summary>
public static class ShardFailureText
{
    private const int Listed = 5;

    public static string Describe(IReadOnlyList<ShardFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var listed = failures.Take(Listed).Select(failure => $"shard {failure.Sequence + 1} ({failure.Targets}): {failure.Error}");
        var more = failures.Count > Listed ? $"; and {failures.Count - Listed} more" : "";
        return $"{failures.Count} shard(s) failed (the hosts they did not finish keep their baseline state): {string.Join("; ", listed)}{more}";
    }
}
