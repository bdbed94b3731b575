using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;

namespace PortWarden.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, safe to share between processes (writers queue on the
/// file lock for up to 30 s), schema migrated on open, each poll recorded in one transaction.
/// </summary>
public sealed partial class SqliteStore : IPortWardenStore
{
    private readonly string connectionString;

    private SqliteStore(string path, string? dataSource = null, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        Location = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dataSource ?? path,
            Mode = mode,
            Pooling = true,
            DefaultTimeout = 30,
            ForeignKeys = true,
        }.ToString();
    }

    public string Location { get; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static async Task<SqliteStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot create the database directory '{directory}': {error.Message}", error);
        }

        var store = new SqliteStore(full);
        try
        {
            await using var connection = await store.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            SqliteSchema.Migrate(connection, full);
            return store;
        }
        catch (SqliteException error)
        {
            SqliteConnection.ClearAllPools();
            throw new StoreException($"cannot open database '{full}': {error.Message}", error);
        }
    }

    /// <summary>
    /// Opens an existing database for reading only: it works on a file or directory this user may not write (a backup,
    /// another user's hub), changes nothing, and refuses a schema other than this build's instead of migrating it.
    /// </summary>
    public static async Task<SqliteStore> OpenReadOnlyAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var store = new SqliteStore(full, mode: SqliteOpenMode.ReadOnly);
        try
        {
            await store.CheckSchemaAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (SqliteException error) when (error.SqliteErrorCode is 14 or 8)
        {
            // WAL needs its -shm file beside the database, which a read-only directory cannot get: read the file as
            // it stands (immutable), which is what a reader of a database nobody writes wants anyway.
            SqliteConnection.ClearAllPools();
            var immutable = new SqliteStore(full, $"file:{Uri.EscapeDataString(full).Replace("%2F", "/", StringComparison.Ordinal)}?immutable=1", SqliteOpenMode.ReadOnly);
            try
            {
                await immutable.CheckSchemaAsync(cancellationToken).ConfigureAwait(false);
                return immutable;
            }
            catch (SqliteException again)
            {
                SqliteConnection.ClearAllPools();
                throw new StoreException($"cannot read database '{full}': {again.Message}", again);
            }
        }
        catch (SqliteException error)
        {
            SqliteConnection.ClearAllPools();
            throw new StoreException($"cannot read database '{full}': {error.Message}", error);
        }
    }

    private async Task CheckSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "PRAGMA user_version");
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (version != SqliteSchema.Version)
        {
            throw new StoreException(version > SqliteSchema.Version
                ? $"database '{Location}' has schema version {version}, newer than this PortWarden understands ({SqliteSchema.Version}); upgrade PortWarden"
                : $"database '{Location}' has schema version {version}, older than this PortWarden's ({SqliteSchema.Version}): open it once with write access (e.g. 'portwarden devices' as its owner) to upgrade it");
        }
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();

            // WAL makes NORMAL durable against process crashes; only an OS crash may lose the last commit.
            pragma.CommandText = "PRAGMA synchronous = NORMAL";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
