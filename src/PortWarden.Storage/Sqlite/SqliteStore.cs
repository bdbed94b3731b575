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

    private SqliteStore(string path)
    {
        Location = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
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
