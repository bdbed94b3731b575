using Microsoft.Data.Sqlite;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;
using static PortWarden.Storage.StoredValues;

namespace PortWarden.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string DeliveryColumns =
        "id, poll_id, rule_id, channel, device_id, message, status, attempts, last_error, created_at, next_attempt_at, delivered_at";

    public async Task<AlertRule> AddAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            INSERT INTO alert_rules (name, definition, created_at) VALUES ($name, $definition, $created) RETURNING id
            """);
        var created = FromUnixMs(ToUnixMs(rule.CreatedAt == default ? DateTimeOffset.UtcNow : rule.CreatedAt));
        command.Parameters.AddWithValue("$name", rule.Name);
        command.Parameters.AddWithValue("$definition", AlertRuleDocument.Definition(rule));
        command.Parameters.AddWithValue("$created", ToUnixMs(created));
        try
        {
            var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return rule with { Id = id, CreatedAt = created };
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19)
        {
            throw StoredAlerts.DuplicateName(rule.Name, error);
        }
    }

    public async Task<AlertRule?> UpdateAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_rules SET name = $name, definition = $definition WHERE id = $id AND removed_at IS NULL
            RETURNING id, definition, created_at
            """);
        command.Parameters.AddWithValue("$id", rule.Id);
        command.Parameters.AddWithValue("$name", rule.Name);
        command.Parameters.AddWithValue("$definition", AlertRuleDocument.Definition(rule));
        try
        {
            return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19)
        {
            throw StoredAlerts.DuplicateName(rule.Name, error);
        }
    }

    public async Task<AlertRule?> GetAlertRuleAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition, created_at FROM alert_rules WHERE id = $id AND removed_at IS NULL");
        command.Parameters.AddWithValue("$id", id);
        return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<AlertRule?> FindAlertRuleAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition, created_at FROM alert_rules WHERE name = $name AND removed_at IS NULL");
        command.Parameters.AddWithValue("$name", name);
        return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition, created_at FROM alert_rules WHERE removed_at IS NULL ORDER BY id");
        return await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAlertRuleAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE alert_rules SET removed_at = $now WHERE id = $id AND removed_at IS NULL");
        command.Parameters.AddWithValue("$now", ToUnixMs(DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<int> EnqueueAlertDeliveriesAsync(IReadOnlyList<AlertDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO alert_deliveries ({DeliveryColumns})
            VALUES ($id, $poll, $rule, $channel, $device, $message, $status, $attempts, $error, $created, $next, $delivered)
            ON CONFLICT (poll_id, rule_id, channel) DO NOTHING
            """, transaction);
        var p = Parameters(command, "$id", "$poll", "$rule", "$channel", "$device", "$message", "$status", "$attempts", "$error", "$created", "$next", "$delivered");
        var added = 0;
        foreach (var delivery in deliveries)
        {
            p[0].Value = delivery.Id.ToString();
            p[1].Value = delivery.PollId.ToString();
            p[2].Value = delivery.RuleId;
            p[3].Value = delivery.Channel;
            p[4].Value = delivery.DeviceId;
            p[5].Value = delivery.Message;
            p[6].Value = delivery.Status.ToWireName();
            p[7].Value = delivery.Attempts;
            p[8].Value = ToDb(delivery.LastError);
            p[9].Value = ToUnixMs(delivery.CreatedAt);
            p[10].Value = ToUnixMs(delivery.NextAttemptAt);
            p[11].Value = ToDb(delivery.DeliveredAt);
            added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return added;
    }

    public async Task<IReadOnlyList<AlertDelivery>> LeaseDueAlertDeliveriesAsync(
        string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            UPDATE alert_deliveries SET lease_owner = $owner, lease_until = $until
            WHERE id IN (
                SELECT id FROM alert_deliveries
                WHERE status = 'pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until < $now)
                ORDER BY next_attempt_at, id LIMIT $limit)
            RETURNING {DeliveryColumns}
            """);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$until", ToUnixMs(until));
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        command.Parameters.AddWithValue("$limit", limit);
        var leased = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return leased.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).ToList();
    }

    public async Task SettleAlertDeliveryAsync(Guid id, string owner, AlertAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_deliveries SET status = $status, attempts = $attempts, last_error = $error, next_attempt_at = $next,
                delivered_at = $delivered, lease_owner = NULL, lease_until = NULL
            WHERE id = $id AND lease_owner = $owner
            """);
        command.Parameters.AddWithValue("$id", id.ToString());
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$status", attempt.Status.ToWireName());
        command.Parameters.AddWithValue("$attempts", attempt.Attempts);
        command.Parameters.AddWithValue("$error", ToDb(attempt.Error));
        command.Parameters.AddWithValue("$next", ToUnixMs(attempt.NextAttemptAt));
        command.Parameters.AddWithValue("$delivered", ToDb(attempt.DeliveredAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertDelivery>> ListAlertDeliveriesAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns} FROM alert_deliveries {(status is null ? "" : "WHERE status = $status")}
            ORDER BY created_at DESC, id DESC LIMIT $limit
            """);
        command.Parameters.AddWithValue("$status", status?.ToWireName() ?? "");
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AlertDelivery?> GetAlertDeliveryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeliveryColumns} FROM alert_deliveries WHERE id = $id");
        command.Parameters.AddWithValue("$id", id.ToString());
        return (await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<bool> RetryAlertDeliveryAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $now, lease_owner = NULL, lease_until = NULL
            WHERE id = $id AND status IN ('dead', 'suppressed')
            """);
        command.Parameters.AddWithValue("$id", id.ToString());
        command.Parameters.AddWithValue("$now", ToUnixMs(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<List<AlertRule>> ReadRulesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rules = new List<AlertRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(StoredAlerts.Rule(reader.GetInt64(0), reader.GetString(1), FromUnixMs(reader.GetInt64(2))));
        }

        return rules;
    }

    private static async Task<List<AlertDelivery>> ReadDeliveriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<AlertDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new AlertDelivery(
                Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), FromUnixMs(reader.GetInt64(9)), FromUnixMs(reader.GetInt64(10)))
            {
                Status = StoredAlerts.Status(reader.GetString(6)),
                Attempts = reader.GetInt32(7),
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
                DeliveredAt = reader.IsDBNull(11) ? null : FromUnixMs(reader.GetInt64(11)),
            });
        }

        return deliveries;
    }
}
