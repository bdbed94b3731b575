using PortWarden.Core.Tracking;
using PortWarden.Storage.Postgres;

namespace PortWarden.Storage.Tests;

/// <summary>The store contract against a real PostgreSQL server.</summary>
public sealed class PostgresStoreTests(PostgresDatabase database) : StoreContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await PostgresStore.OpenAsync(await database.NewSchemaAsync(), Cancel);
}

/// <summary>The fleet contract (agents, trackers, shards) against a real PostgreSQL server.</summary>
public sealed class PostgresFleetTests(PostgresDatabase database) : FleetContractTests, IClassFixture<PostgresDatabase>
{
    protected override async Task<IPortWardenStore> NewStoreAsync() =>
        await PostgresStore.OpenAsync(await database.NewSchemaAsync(), Cancel);
}
