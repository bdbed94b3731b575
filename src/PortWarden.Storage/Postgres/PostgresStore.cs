using System.Net.Sockets;
using Npgsql;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Postgres;

/// <summary>
/// The scale-out store: a PostgreSQL database that several hub processes share. Schema migrated on open (one process
/// at a time), each poll recorded in one transaction, events append-only (a trigger refuses UPDATE and DELETE),
/// sharded polls leased with FOR UPDATE SKIP LOCKED. Connections come from one pool per store.
/// </summary>
public sealed partial class PostgresStore : IPortWardenStore
{
    /// <summary>
    /// Advisory lock held from the first event a transaction appends until it commits ("PWEVENTS" as a number).
    /// Event sequence numbers are then handed out in commit order, so a reader paging by sequence never skips an
    /// event that a slower transaction commits later with a smaller number.
    /// </summary>
    private const long EventLogLock = 0x5057_4556_454E_5453;

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresLocation location;

    private PostgresStore(PostgresLocation location, NpgsqlDataSource dataSource)
    {
        this.location = location;
        this.dataSource = dataSource;
    }

    /// <summary>postgres://user@host:port/database (never the password).</summary>
    public string Location => location.Display;

    /// <summary>Opens the database a URL or connection string names and brings its schema up to date.</summary>
    public static Task<PostgresStore> OpenAsync(string database, CancellationToken cancellationToken) =>
        OpenAsync(PostgresLocation.Parse(database), cancellationToken);

    public static async Task<PostgresStore> OpenAsync(PostgresLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        var store = new PostgresStore(location, NpgsqlDataSource.Create(location.ConnectionString));
        try
        {
            await using var connection = await store.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.MigrateAsync(connection, location.Display, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (NpgsqlException error)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreException($"cannot prepare PostgreSQL database '{location.Display}': {location.Explain(error)}", error);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>A pooled connection; a server that cannot be reached or refuses us is a <see cref="StoreException"/> naming it.</summary>
    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreException($"cannot connect to PostgreSQL database '{location.Display}': {location.Explain(error)}", error);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    /// <summary>Waits for the event log: taken right before a transaction's first event and held until it commits.</summary>
    private static async Task LockEventLogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT pg_advisory_xact_lock({EventLogLock})", transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
