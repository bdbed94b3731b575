using PortWarden.Core.Fleet;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<ShardBlock?> GetShardBlockAsync(long shardId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT s.poll_id, p.tracker_id, s.targets FROM shards s JOIN polls p ON p.id = s.poll_id WHERE s.id = $id");
        command.Parameters.AddWithValue("$id", shardId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ShardBlock(shardId, Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2))
            : null;
    }
}
