using Npgsql;
using NpgsqlTypes;
using PortWarden.Core.Alerts;

namespace PortWarden.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string DeliveryColumns =
        "id, poll_id, rule_id, channel, device_id, message, status, attempts, last_error, created_at, next_attempt_at, delivered_at";

    public async Task<AlertRule> AddAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "INSERT INTO alert_rules (name, definition, created_at) VALUES (@name, @definition, @created) RETURNING id");
        var created = PostgresValues.Instant(rule.CreatedAt == default ? DateTimeOffset.UtcNow : rule.CreatedAt);
        command.Add("name", rule.Name);
        command.AddJson("definition", AlertRuleDocument.Definition(rule));
        command.Add("created", created);
        try
        {
            var id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return rule with { Id = id, CreatedAt = created };
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw StoredAlerts.DuplicateName(rule.Name, error);
        }
    }

    public async Task<AlertRule?> UpdateAlertRuleAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_rules SET name = @name, definition = @definition WHERE id = @id AND removed_at IS NULL
            RETURNING id, definition::text, created_at
            """);
        command.Add("id", rule.Id);
        command.Add("name", rule.Name);
        command.AddJson("definition", AlertRuleDocument.Definition(rule));
        try
        {
            return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw StoredAlerts.DuplicateName(rule.Name, error);
        }
    }

    public async Task<AlertRule?> GetAlertRuleAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition::text, created_at FROM alert_rules WHERE id = @id AND removed_at IS NULL");
        command.Add("id", id);
        return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<AlertRule?> FindAlertRuleAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition::text, created_at FROM alert_rules WHERE lower(name) = lower(@name) AND removed_at IS NULL");
        command.Add("name", name);
        return (await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<AlertRule>> ListAlertRulesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT id, definition::text, created_at FROM alert_rules WHERE removed_at IS NULL ORDER BY id");
        return await ReadRulesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAlertRuleAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE alert_rules SET removed_at = @now WHERE id = @id AND removed_at IS NULL");
        command.Add("now", DateTimeOffset.UtcNow);
        command.Add("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<int> EnqueueAlertDeliveriesAsync(IReadOnlyList<AlertDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return 0;
        }

        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            INSERT INTO alert_deliveries ({DeliveryColumns})
            SELECT * FROM unnest(@id, @poll, @rule, @channel, @device, @message::json[], @status, @attempts, @error, @created, @next, @delivered)
            ON CONFLICT (poll_id, rule_id, channel) DO NOTHING
            """);
        command.AddArray("id", NpgsqlDbType.Uuid, deliveries.Select(d => d.Id).ToArray());
        command.AddArray("poll", NpgsqlDbType.Uuid, deliveries.Select(d => d.PollId).ToArray());
        command.AddArray("rule", NpgsqlDbType.Bigint, deliveries.Select(d => d.RuleId).ToArray());
        command.AddArray("channel", NpgsqlDbType.Text, deliveries.Select(d => d.Channel).ToArray());
        command.AddArray("device", NpgsqlDbType.Bigint, deliveries.Select(d => d.DeviceId).ToArray());
        command.AddArray("message", NpgsqlDbType.Text, deliveries.Select(d => d.Message).ToArray());
        command.AddArray("status", NpgsqlDbType.Text, deliveries.Select(d => d.Status.ToWireName()).ToArray());
        command.AddArray("attempts", NpgsqlDbType.Integer, deliveries.Select(d => d.Attempts).ToArray());
        command.AddArray("error", NpgsqlDbType.Text, deliveries.Select(d => d.LastError).ToArray());
        command.AddArray("created", NpgsqlDbType.TimestampTz, deliveries.Select(d => PostgresValues.Instant(d.CreatedAt)).ToArray());
        command.AddArray("next", NpgsqlDbType.TimestampTz, deliveries.Select(d => PostgresValues.Instant(d.NextAttemptAt)).ToArray());
        command.AddArray("delivered", NpgsqlDbType.TimestampTz, deliveries.Select(d => PostgresValues.Instant(d.DeliveredAt)).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertDelivery>> LeaseDueAlertDeliveriesAsync(
        string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

        // SKIP LOCKED: several hubs lease from one outbox without waiting for each other or taking the same delivery.
        await using var command = Command(connection, $"""
            UPDATE alert_deliveries SET lease_owner = @owner, lease_until = @until
            WHERE id IN (
                SELECT id FROM alert_deliveries
                WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt_at, id LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            RETURNING {DeliveryColumns.Replace("message", "message::text", StringComparison.Ordinal)}
            """);
        command.Add("owner", owner);
        command.Add("until", until);
        command.Add("now", now);
        command.Add("limit", limit);
        var leased = await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
        return leased.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).ToList();
    }

    public async Task SettleAlertDeliveryAsync(Guid id, string owner, AlertAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_deliveries SET status = @status, attempts = @attempts, last_error = @error, next_attempt_at = @next,
                delivered_at = @delivered, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND lease_owner = @owner
            """);
        command.Add("id", id);
        command.Add("owner", owner);
        command.Add("status", attempt.Status.ToWireName());
        command.Add("attempts", attempt.Attempts);
        command.Add("error", attempt.Error);
        command.Add("next", attempt.NextAttemptAt);
        command.Add("delivered", attempt.DeliveredAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AlertDelivery>> ListAlertDeliveriesAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns.Replace("message", "message::text", StringComparison.Ordinal)} FROM alert_deliveries
            {(status is null ? "" : "WHERE status = @status")} ORDER BY created_at DESC, id DESC LIMIT @limit
            """);
        command.Add("status", status?.ToWireName() ?? "");
        command.Add("limit", limit);
        return await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AlertDelivery?> GetAlertDeliveryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {DeliveryColumns.Replace("message", "message::text", StringComparison.Ordinal)} FROM alert_deliveries WHERE id = @id");
        command.Add("id", id);
        return (await ReadDeliveriesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<bool> RetryAlertDeliveryAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND status IN ('dead', 'suppressed')
            """);
        command.Add("id", id);
        command.Add("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<List<AlertRule>> ReadRulesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rules = new List<AlertRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(StoredAlerts.Rule(reader.GetInt64(0), reader.GetString(1), reader.GetInstant(2)));
        }

        return rules;
    }

    private static async Task<List<AlertDelivery>> ReadDeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var deliveries = new List<AlertDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new AlertDelivery(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetInstant(9), reader.GetInstant(10))
            {
                Status = StoredAlerts.Status(reader.GetString(6)),
                Attempts = reader.GetInt32(7),
                LastError = reader.GetTextOrNull(8),
                DeliveredAt = reader.GetInstantOrNull(11),
            });
        }

        return deliveries;
    }
}
