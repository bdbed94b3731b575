using Npgsql;

namespace PortWarden.Storage.Tests;

/// <summary>
/// The PostgreSQL server the tests use: an admin connection string (a role that may create databases) in
/// PORTWARDEN_TEST_POSTGRES. Without it the tests fail, saying how to start one: a store suite that silently skips
/// would let a broken store pass.
/// </summary>
internal static class PostgresServer
{
    public const string Variable = "PORTWARDEN_TEST_POSTGRES";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL store tests have no server. Start a throwaway one (as root, with Debian's " +
                $"postgresql package installed) and point the tests at it:  export {Variable}=\"$(test/postgres.sh start)\"  " +
                "(stop it with 'test/postgres.sh stop'; .ci/run does both), or set it to a connection string of a role that may create databases.");

    /// <summary>Creates an empty database with a unique name; returns its name and a connection string to it.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string purpose, CancellationToken cancellationToken)
    {
        var name = $"portwarden_{purpose}_{Guid.NewGuid():N}";
        await ExecuteAsync(AdminConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken);
        return (name, With(AdminConnectionString, settings => settings.Database = name));
    }

    /// <summary>Drops a test database, ending any session still connected to it.</summary>
    public static Task DropDatabaseAsync(string name) =>
        ExecuteAsync(AdminConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);

    public static async Task<object?> ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(With(connectionString, settings => settings.Pooling = false));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static string With(string connectionString, Action<NpgsqlConnectionStringBuilder> change)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        change(settings);
        return settings.ConnectionString;
    }
}
