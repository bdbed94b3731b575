using Npgsql;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Bench;

/// <summary>Throwaway stores for benchmarks: a SQLite file in a temp directory, or a new PostgreSQL database (created through an admin connection, dropped after).</summary>
internal static class ScratchStores
{
    public static async Task SqliteAsync(Func<IPortWardenStore, Task> use)
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-bench-");
        try
        {
            await using var store = await SqliteStore.OpenAsync(Path.Combine(directory.FullName, "bench.db"), CancellationToken.None).ConfigureAwait(false);
            await use(store).ConfigureAwait(false);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    public static async Task PostgresAsync(string admin, Func<IPortWardenStore, Task> use)
    {
        var name = $"portwarden_bench_{Guid.NewGuid():N}";
        await AdminAsync(admin, $"CREATE DATABASE \"{name}\"").ConfigureAwait(false);
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(admin) { Database = name };
            await using var store = await PostgresStore.OpenAsync(settings.ConnectionString, CancellationToken.None).ConfigureAwait(false);
            await use(store).ConfigureAwait(false);
        }
        finally
        {
            await AdminAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").ConfigureAwait(false);
        }
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
