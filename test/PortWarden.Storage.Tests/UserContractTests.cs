using Microsoft.Data.Sqlite;
using PortWarden.Core.Tracking;
using PortWarden.Core.Users;
using PortWarden.Storage.Postgres;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Storage.Tests;

/// <summary>What every store must do with dashboard and API users; run against SQLite and PostgreSQL.</summary>
public abstract class UserContractTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero);

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IPortWardenStore> NewStoreAsync();

    [Fact]
    public async Task Users_round_trip_with_their_hash_and_are_found_by_name_in_any_case()
    {
        await using var store = await NewStoreAsync();

        var added = await store.AddUserAsync("Alice.Ops", UserRole.Viewer, "hash-1", Created, Cancel);
        var found = await store.FindUserAsync("alice.OPS", Cancel);

        Assert.Equal(new HubUser(added.Id, "Alice.Ops", UserRole.Viewer, Created, Disabled: false, Revision: 1), added);
        Assert.Equal((added, "hash-1"), found);
        Assert.Null(await store.FindUserAsync("alice", Cancel));
    }

    [Fact]
    public async Task A_name_taken_in_another_case_is_refused_naming_it()
    {
        await using var store = await NewStoreAsync();
        await store.AddUserAsync("bob", UserRole.Admin, "h", Created, Cancel);

        var duplicate = await Assert.ThrowsAsync<StoreException>(() => store.AddUserAsync("BOB", UserRole.Viewer, "h2", Created, Cancel));

        Assert.Equal("a user named 'BOB' exists already", duplicate.Message);
        Assert.Equal(UserRole.Admin, Assert.Single(await store.ListUsersAsync(Cancel)).Role);
    }

    [Fact]
    public async Task Updates_change_only_what_is_given_and_raise_the_revision()
    {
        await using var store = await NewStoreAsync();
        var added = await store.AddUserAsync("carol", UserRole.Viewer, "old-hash", Created, Cancel);

        var disabled = await store.UpdateUserAsync("CAROL", new UserChange { Disabled = true }, Cancel);
        var promoted = await store.UpdateUserAsync("carol", new UserChange { Role = UserRole.Admin, PasswordHash = "new-hash" }, Cancel);
        var enabled = await store.UpdateUserAsync("carol", new UserChange { Disabled = false }, Cancel);

        Assert.Equal(added with { Disabled = true, Revision = 2 }, disabled);
        Assert.Equal(added with { Disabled = true, Role = UserRole.Admin, Revision = 3 }, promoted);
        Assert.Equal(added with { Role = UserRole.Admin, Revision = 4 }, enabled);
        Assert.Equal("new-hash", (await store.FindUserAsync("carol", Cancel))!.Value.PasswordHash);
        Assert.Null(await store.UpdateUserAsync("nobody", new UserChange { Disabled = true }, Cancel));
    }

    [Fact]
    public async Task Users_are_listed_by_name_and_removed_for_good()
    {
        await using var store = await NewStoreAsync();
        await store.AddUserAsync("zed", UserRole.Viewer, "h", Created, Cancel);
        var dora = await store.AddUserAsync("Dora", UserRole.Admin, "h", Created, Cancel);
        await store.AddUserAsync("amy", UserRole.Viewer, "h", Created, Cancel);

        Assert.Equal(["amy", "Dora", "zed"], (await store.ListUsersAsync(Cancel)).Select(u => u.Name));
        Assert.True(await store.RemoveUserAsync("dora", Cancel));
        Assert.False(await store.RemoveUserAsync("dora", Cancel));
        Assert.Null(await store.FindUserAsync("Dora", Cancel));
        Assert.Equal(["amy", "zed"], (await store.ListUsersAsync(Cancel)).Select(u => u.Name));

        // The name is free again; the new user is another user (a session of the old one must not carry over).
        Assert.NotEqual(dora.Id, (await store.AddUserAsync("dora", UserRole.Viewer, "h", Created, Cancel)).Id);
    }
}

public sealed class SqliteUserTests : UserContractTests, IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-users-");

    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await SqliteStore.OpenAsync(Path.Combine(directory.FullName, $"{Guid.NewGuid():N}.db"), Cancel);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}

public sealed class PostgresUserTests(PostgresDatabase database) : UserContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await PostgresStore.OpenAsync(await database.NewSchemaAsync(), Cancel);
}
