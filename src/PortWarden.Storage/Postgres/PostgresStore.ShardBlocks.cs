using PortWarden.Core.Fleet;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    public async Task<ShardBlock?> GetShardBlockAsync(long shardId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT s.poll_id, p.tracker_id, s.targets FROM shards s JOIN polls p ON p.id = s.poll_id WHERE s.id = @id");
        command.Add("id", shardId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ShardBlock(shardId, reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2))
            : null;
    }
}
