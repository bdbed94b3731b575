using PortWarden.Core.Tracking;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage;

/// <summary>Opens the store a --db value names: a SQLite file path (the embedded default).</summary>
public static class Stores
{
    public static async Task<IPortWardenStore> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Resolve(database);
        if (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || location.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException("PostgreSQL connection strings are not supported by this version; give a SQLite file path");
        }

        return await SqliteStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
    }
}
