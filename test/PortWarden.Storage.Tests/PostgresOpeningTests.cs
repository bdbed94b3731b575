using Npgsql;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage.Tests;

/// <summary>Choosing PostgreSQL from a --db value, reading URLs and connection strings, and the errors a user sees.</summary>
public sealed class PostgresOpeningTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Secret = "Sup3r-Secret-Pw";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private NpgsqlConnectionStringBuilder Server => new(database.ConnectionString);

    [Fact]
    public async Task A_postgres_url_opens_postgresql_and_is_shown_without_its_password()
    {
        var server = Server;
        var url = $"postgres://{server.Username}:{Uri.EscapeDataString(server.Password!)}@{server.Host}:{server.Port}/{server.Database}?application_name=hub-1";

        await using var store = await Stores.OpenAsync(url, Cancel);
        await store.SaveDeviceAsync("via-url", DeviceKind.Host, "10.0.0.1", Cancel);

        Assert.IsType<PostgresStore>(store);
        Assert.Equal($"postgres://{server.Username}@{server.Host}:{server.Port}/{server.Database}", store.Location);
        Assert.Equal("hub-1", await PostgresServer.ExecuteAsync(database.ConnectionString,
            "SELECT application_name FROM pg_stat_activity WHERE application_name = 'hub-1' LIMIT 1", Cancel));
    }

    [Fact]
    public async Task An_npgsql_connection_string_opens_postgresql()
    {
        await using var store = await Stores.OpenAsync(await database.NewSchemaAsync(), Cancel);

        Assert.IsType<PostgresStore>(store);
        Assert.DoesNotContain(Server.Password!, store.Location, StringComparison.Ordinal);
        Assert.Empty(await store.ListDevicesAsync(Cancel));
    }

    [Fact]
    public async Task Anything_else_is_a_sqlite_file()
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-choose-");
        try
        {
            await using var store = await Stores.OpenAsync(Path.Combine(directory.FullName, "Host=not-a-server.db"), Cancel);

            Assert.IsType<SqliteStore>(store);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_password_names_the_server_and_database_but_not_the_password()
    {
        var server = Server;
        var url = $"postgres://{server.Username}:{Secret}@{server.Host}:{server.Port}/{server.Database}";
        var connectionString = PostgresServer.With(database.ConnectionString, settings => settings.Password = Secret);

        var fromUrl = await Assert.ThrowsAsync<StoreException>(() => Stores.OpenAsync(url, Cancel));
        var fromConnectionString = await Assert.ThrowsAsync<StoreException>(() => Stores.OpenAsync(connectionString, Cancel));

        foreach (var error in new[] { fromUrl, fromConnectionString })
        {
            Assert.Contains($"{server.Host}:{server.Port}/{server.Database}", error.Message, StringComparison.Ordinal);
            Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_named_in_the_error()
    {
        var url = $"postgres://hub:{Secret}@127.0.0.1:1/portwarden?connect_timeout=5";

        var error = await Assert.ThrowsAsync<StoreException>(() => Stores.OpenAsync(url, Cancel));

        Assert.Contains("postgres://hub@127.0.0.1:1/portwarden", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_named_in_the_error()
    {
        var connectionString = PostgresServer.With(database.ConnectionString, settings => settings.Database = "no_such_portwarden_db");

        var error = await Assert.ThrowsAsync<StoreException>(() => Stores.OpenAsync(connectionString, Cancel));

        Assert.Contains("/no_such_portwarden_db'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://hub:" + Secret + "@db.example:notaport/portwarden", "port 'notaport'")]
    [InlineData("postgres://hub:" + Secret + "@db.example:5432/portwarden?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgres://hub:" + Secret + "@db.example/portwarden?frobnicate=1", "unsupported parameter 'frobnicate'")]
    [InlineData("postgres://hub:" + Secret + "@/portwarden", "no server")]
    [InlineData("postgresql://hub:" + Secret + "@[::1/portwarden", "unclosed '['")]
    [InlineData("Host=db.example;Password=" + Secret + ";Frobnicate=1", "invalid PostgreSQL connection string")]
    public async Task A_malformed_location_is_refused_without_repeating_the_password(string location, string expected)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Stores.OpenAsync(location, Cancel));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://hub:p%40ss%2Fword@db.example:6543/port%20warden?sslmode=require", "db.example", 6543, "hub", "p@ss/word", "port warden",
        "postgres://hub@db.example:6543/port warden")]
    [InlineData("postgresql://hub:raw@pass@db.example/portwarden", "db.example", 5432, "hub", "raw@pass", "portwarden", "postgres://hub@db.example:5432/portwarden")]
    [InlineData("postgres://hub@[fd00::5]:5433/pw", "fd00::5", 5433, "hub", null, "pw", "postgres://hub@[fd00::5]:5433/pw")]
    [InlineData("Host=db.example;Port=6000;Username=hub;Password=x;Database=pw", "db.example", 6000, "hub", "x", "pw", "postgres://hub@db.example:6000/pw")]
    public void Urls_and_connection_strings_are_read_into_npgsql_settings(
        string location, string host, int port, string user, string? password, string databaseName, string display)
    {
        var parsed = PostgresLocation.Parse(location);
        var settings = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);

        Assert.Equal((host, port, user, password, databaseName), (settings.Host, settings.Port, settings.Username, settings.Password, settings.Database));
        Assert.Equal(display.Replace(" ", "%20", StringComparison.Ordinal), parsed.Display.Replace(" ", "%20", StringComparison.Ordinal));
        Assert.True(PostgresLocation.Matches(location));
    }

    [Theory]
    [InlineData("/var/lib/portwarden/portwarden.db")]
    [InlineData("portwarden.db")]
    [InlineData("./Host=1.db")]
    public void File_paths_are_not_postgresql(string location) => Assert.False(PostgresLocation.Matches(location));
}
