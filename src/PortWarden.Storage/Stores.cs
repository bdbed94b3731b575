using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage;

/// <summary>
/// Opens the store a --db value names: PostgreSQL for a postgres:// URL or an Npgsql connection string (Host=...),
/// otherwise a SQLite file path (the embedded default).
/// </summary>
public static class Stores
{
    public static async Task<IPortWardenStore> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Resolve(database);
        if (PostgresLocation.Matches(location))
        {
            return await PostgresStore.OpenAsync(PostgresLocation.Parse(location), cancellationToken).ConfigureAwait(false);
        }

        return await SqliteStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the store for reading only (a SQLite file is opened read-only and never migrated; PostgreSQL as usual).</summary>
    public static async Task<IPortWardenStore> OpenReadOnlyAsync(string? database, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Resolve(database);
        if (PostgresLocation.Matches(location))
        {
            return await PostgresStore.OpenAsync(PostgresLocation.Parse(location), cancellationToken).ConfigureAwait(false);
        }

        return await SqliteStore.OpenReadOnlyAsync(location, cancellationToken).ConfigureAwait(false);
    }
}
