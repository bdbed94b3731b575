using Npgsql;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;

namespace PortWarden.Storage.Tests;

/// <summary>What the PostgreSQL schema itself guarantees: append-only events, safe concurrent migration, version checks.</summary>
public sealed class PostgresSchemaTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_append_only_even_for_the_database_owner()
    {
        var schema = await database.NewSchemaAsync();
        await using var store = await PostgresStore.OpenAsync(schema, Cancel);
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]));

        var update = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(schema, "UPDATE events SET type = 'port-opened'", Cancel));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(schema, "DELETE FROM events", Cancel));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(schema, "TRUNCATE events CASCADE", Cancel));

        Assert.All([update, delete, truncate], error => Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal));
        Assert.Equal(1L, await PostgresServer.ExecuteAsync(schema, "SELECT COUNT(*) FROM events", Cancel));
        Assert.Equal("poll-completed", await PostgresServer.ExecuteAsync(schema, "SELECT type FROM events", Cancel));
    }

    [Fact]
    public async Task Stores_opening_one_new_database_at_the_same_time_migrate_it_once()
    {
        for (var round = 0; round < 3; round++)
        {
            var (name, connectionString) = await PostgresServer.CreateDatabaseAsync("migrate", Cancel);
            try
            {
                // Four hub processes starting at once against an empty database.
                var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresStore.OpenAsync(connectionString, Cancel), Cancel)));
                try
                {
                    await Task.WhenAll(stores.Select((store, i) => store.SaveDeviceAsync($"device-{i}", DeviceKind.Host, $"10.0.0.{i}", Cancel)));

                    Assert.Equal(4, (await stores[0].ListDevicesAsync(Cancel)).Count);
                    Assert.Equal((long)PostgresSchema.Version, await PostgresServer.ExecuteAsync(connectionString, "SELECT COUNT(*) FROM portwarden_schema", Cancel));
                }
                finally
                {
                    foreach (var store in stores)
                    {
                        await store.DisposeAsync();
                    }
                }
            }
            finally
            {
                await PostgresServer.DropDatabaseAsync(name);
            }
        }
    }

    [Fact]
    public async Task Reopening_a_current_database_keeps_its_data_and_applies_nothing()
    {
        var schema = await database.NewSchemaAsync();
        await using (var store = await PostgresStore.OpenAsync(schema, Cancel))
        {
            await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        }

        var applied = await PostgresServer.ExecuteAsync(schema, "SELECT MAX(applied_at) FROM portwarden_schema", Cancel);
        await using var again = await PostgresStore.OpenAsync(schema, Cancel);

        Assert.NotNull(await again.FindDeviceAsync("lab", Cancel));
        Assert.Equal(applied, await PostgresServer.ExecuteAsync(schema, "SELECT MAX(applied_at) FROM portwarden_schema", Cancel));
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused()
    {
        var schema = await database.NewSchemaAsync();
        await (await PostgresStore.OpenAsync(schema, Cancel)).DisposeAsync();
        await PostgresServer.ExecuteAsync(schema, "INSERT INTO portwarden_schema (version) VALUES (99)", Cancel);

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStore.OpenAsync(schema, Cancel));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instants_keep_millisecond_precision_like_the_sqlite_store()
    {
        await using var store = await PostgresStore.OpenAsync(await database.NewSchemaAsync(), Cancel);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4567).ToOffset(TimeSpan.FromHours(2));

        var window = await store.AddChangeWindowAsync(new ChangeWindow(0, null, null, null, null, at, at.AddHours(1), null, null) { CreatedAt = at }, Cancel);
        var listed = Assert.Single(await store.ListChangeWindowsAsync(null, Cancel));

        Assert.Equal(1_700_000_000_123, listed.From.ToUnixTimeMilliseconds());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), listed.From);
        Assert.Equal(window.CreatedAt, listed.CreatedAt);
    }
}
