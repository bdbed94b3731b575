using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage.Tests;

public sealed class SqliteFleetTests : FleetContractTests, IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-fleet-");

    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await SqliteStore.OpenAsync(Path.Combine(directory.FullName, $"{Guid.NewGuid():N}.db"), Cancel);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}

public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-store-");

    private string PathOf(string name) => Path.Combine(directory.FullName, name);

    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await SqliteStore.OpenAsync(PathOf($"{Guid.NewGuid():N}.db"), Cancel);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_new_database_is_created_in_wal_mode_with_the_current_schema_and_reopens_with_its_data()
    {
        var path = PathOf("nested/dir/portwarden.db");
        await using (var store = await SqliteStore.OpenAsync(path, Cancel))
        {
            await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        }

        await using var again = await SqliteStore.OpenAsync(path, Cancel);

        Assert.NotNull(await again.FindDeviceAsync("lab", Cancel));
        Assert.Equal(("wal", (long)SqliteSchema.Version), (Scalar(path, "PRAGMA journal_mode"), Scalar(path, "PRAGMA user_version")));
    }

    [Fact]
    public async Task The_events_of_a_planned_change_are_found_through_an_index_not_a_scan()
    {
        var path = PathOf("windows.db");
        await using (await SqliteStore.OpenAsync(path, Cancel))
        {
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM events e WHERE e.window_id = 3 ORDER BY e.seq";
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("USING INDEX events_window", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_are_append_only()
    {
        var path = PathOf("events.db");
        await using var store = await SqliteStore.OpenAsync(path, Cancel);
        var device = await store.SaveDeviceAsync("lab", DeviceKind.Host, "10.0.0.1", Cancel);
        await StorePolls.PollAsync(store, device, ("10.0.0.1", [22]));

        var update = Assert.Throws<SqliteException>(() => Scalar(path, "UPDATE events SET type = 'port-opened'"));
        var delete = Assert.Throws<SqliteException>(() => Scalar(path, "DELETE FROM events"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar(path, "SELECT COUNT(*) FROM events"));
    }

    [Fact]
    public async Task A_database_from_a_newer_version_is_refused()
    {
        var path = PathOf("future.db");
        await (await SqliteStore.OpenAsync(path, Cancel)).DisposeAsync();
        Scalar(path, "PRAGMA user_version = 99");

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(path, Cancel));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_refused_and_left_as_it_was()
    {
        var path = PathOf("notes.txt");
        await File.WriteAllTextAsync(path, "these are my notes, not a database\n" + new string('x', 5000), Cancel);
        var before = await File.ReadAllBytesAsync(path, Cancel);

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(path, Cancel));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(path, Cancel));
    }

    [Fact]
    public async Task A_location_that_cannot_be_written_is_an_error_naming_it()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync("/proc/portwarden/portwarden.db", Cancel));

        Assert.Contains("/proc/portwarden", error.Message, StringComparison.Ordinal);
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
