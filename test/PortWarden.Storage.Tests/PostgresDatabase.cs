namespace PortWarden.Storage.Tests;

/// <summary>
/// A fresh PostgreSQL database for one test class, dropped after it. Each store a test opens gets a schema of its own
/// in it (through the connection's search path), so every test starts from an empty store.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private string? name;
    private string? connectionString;

    public string ConnectionString => connectionString ?? throw new InvalidOperationException("the database is not created yet");

    public async ValueTask InitializeAsync() =>
        (name, connectionString) = await PostgresServer.CreateDatabaseAsync("class", TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (name is not null)
        {
            await PostgresServer.DropDatabaseAsync(name);
        }
    }

    /// <summary>A connection string to a new, empty schema of this database.</summary>
    public async Task<string> NewSchemaAsync()
    {
        var schema = $"store_{Guid.NewGuid():N}";
        await PostgresServer.ExecuteAsync(ConnectionString, $"CREATE SCHEMA \"{schema}\"", TestContext.Current.CancellationToken);
        return PostgresServer.With(ConnectionString, settings => settings.SearchPath = schema);
    }
}
