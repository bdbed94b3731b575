using Microsoft.Data.Sqlite;

namespace PortWarden.Storage.Sqlite;

/// <summary>
/// The schema, as an ordered list of migrations. The database's user_version says how many have run;
/// opening a database applies the missing ones in one transaction, so two processes opening a new file at
/// the same time do not both migrate it.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE devices (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL,
            targets TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            baseline_established INTEGER NOT NULL DEFAULT 0,
            last_poll_at INTEGER,
            lease_owner TEXT,
            lease_until INTEGER
        );
        CREATE TABLE agents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            hostname TEXT,
            credential_hash TEXT NOT NULL,
            enrolled_at INTEGER NOT NULL,
            last_seen_at INTEGER,
            revoked_at INTEGER,
            version TEXT
        );
        CREATE TABLE device_agents (
            device_id INTEGER NOT NULL REFERENCES devices(id),
            agent_id INTEGER NOT NULL REFERENCES agents(id),
            PRIMARY KEY (device_id, agent_id)
        ) WITHOUT ROWID;
        CREATE TABLE enrollment_tokens (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            agent_id INTEGER REFERENCES agents(id),
            note TEXT
        );
        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE TABLE trackers (
            id INTEGER PRIMARY KEY,
            device_id INTEGER NOT NULL REFERENCES devices(id),
            name TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'remote',
            ports TEXT NOT NULL,
            exclude_ports TEXT NOT NULL DEFAULT '',
            engine TEXT NOT NULL,
            schedule TEXT NOT NULL DEFAULT 'none',
            confirm_polls INTEGER NOT NULL DEFAULT 1,
            baseline_events INTEGER NOT NULL DEFAULT 0,
            options TEXT NOT NULL DEFAULT '{}',
            shard_size INTEGER,
            enabled INTEGER NOT NULL DEFAULT 1,
            run_requested_at INTEGER,
            deleted_at INTEGER
        );
        CREATE UNIQUE INDEX trackers_device_name ON trackers (device_id, name) WHERE deleted_at IS NULL;
        CREATE TABLE polls (
            id TEXT PRIMARY KEY,
            device_id INTEGER NOT NULL REFERENCES devices(id),
            tracker_id INTEGER REFERENCES trackers(id),
            engine TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            hosts_scanned INTEGER NOT NULL DEFAULT 0,
            hosts_up INTEGER NOT NULL DEFAULT 0,
            hosts_down INTEGER NOT NULL DEFAULT 0,
            ports_scanned INTEGER NOT NULL DEFAULT 0,
            open_ports INTEGER NOT NULL DEFAULT 0,
            closed_ports INTEGER NOT NULL DEFAULT 0,
            filtered_ports INTEGER NOT NULL DEFAULT 0,
            changes INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX polls_device_started ON polls (device_id, started_at);
        CREATE INDEX polls_tracker_started ON polls (tracker_id, started_at);
        CREATE TABLE shards (
            id INTEGER PRIMARY KEY,
            poll_id TEXT NOT NULL REFERENCES polls(id),
            seq INTEGER NOT NULL,
            targets TEXT NOT NULL,
            state TEXT NOT NULL,
            agent_id INTEGER REFERENCES agents(id),
            lease_until INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            hosts_up INTEGER NOT NULL DEFAULT 0,
            hosts_down INTEGER NOT NULL DEFAULT 0,
            ports_scanned INTEGER NOT NULL DEFAULT 0,
            open_ports INTEGER NOT NULL DEFAULT 0,
            closed_ports INTEGER NOT NULL DEFAULT 0,
            filtered_ports INTEGER NOT NULL DEFAULT 0,
            changes INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX shards_pending ON shards (state, poll_id, seq);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            device_id INTEGER NOT NULL REFERENCES devices(id),
            poll_id TEXT NOT NULL REFERENCES polls(id),
            occurred_at INTEGER NOT NULL,
            changed_after INTEGER,
            recorded_at INTEGER NOT NULL,
            host TEXT,
            hostname TEXT,
            protocol TEXT,
            port INTEGER,
            old_state TEXT,
            new_state TEXT,
            service TEXT,
            old_service TEXT,
            detail TEXT,
            old_detail TEXT,
            process TEXT,
            old_process TEXT,
            bind_address TEXT,
            classification TEXT,
            window_id INTEGER,
            reference TEXT,
            payload TEXT
        );
        CREATE INDEX events_device_occurred ON events (device_id, occurred_at);
        CREATE INDEX events_occurred ON events (occurred_at);
        CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TABLE baseline_hosts (
            device_id INTEGER NOT NULL REFERENCES devices(id),
            host TEXT NOT NULL,
            hostname TEXT,
            state TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_changed INTEGER NOT NULL,
            pending_state TEXT,
            pending_count INTEGER,
            pending_after INTEGER,
            pending_seen INTEGER,
            PRIMARY KEY (device_id, host)
        ) WITHOUT ROWID;
        CREATE TABLE baseline_ports (
            device_id INTEGER NOT NULL,
            host TEXT NOT NULL,
            protocol TEXT NOT NULL,
            port INTEGER NOT NULL,
            open INTEGER NOT NULL,
            service TEXT,
            detail TEXT,
            process TEXT,
            bind_address TEXT,
            first_seen INTEGER NOT NULL,
            last_changed INTEGER NOT NULL,
            pending_state TEXT,
            pending_count INTEGER,
            pending_after INTEGER,
            pending_seen INTEGER,
            PRIMARY KEY (device_id, host, protocol, port),
            FOREIGN KEY (device_id, host) REFERENCES baseline_hosts (device_id, host)
        ) WITHOUT ROWID;
        CREATE TABLE change_windows (
            id INTEGER PRIMARY KEY,
            device_id INTEGER REFERENCES devices(id),
            targets TEXT,
            ports TEXT,
            exclude_ports TEXT,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            reference TEXT,
            description TEXT,
            created_at INTEGER NOT NULL,
            removed_at INTEGER
        );
        """,
        """
        ALTER TABLE devices ADD COLUMN expected_ports TEXT;
        CREATE TABLE alert_rules (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE,
            definition TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            removed_at INTEGER
        );
        CREATE UNIQUE INDEX alert_rules_name ON alert_rules (name) WHERE removed_at IS NULL;
        CREATE TABLE alert_deliveries (
            id TEXT PRIMARY KEY,
            poll_id TEXT NOT NULL,
            rule_id INTEGER NOT NULL REFERENCES alert_rules(id),
            channel TEXT NOT NULL,
            device_id INTEGER NOT NULL REFERENCES devices(id),
            message TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            delivered_at INTEGER,
            lease_owner TEXT,
            lease_until INTEGER,
            UNIQUE (poll_id, rule_id, channel)
        );
        CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
        """,
        """
        -- The events a planned change covered (the dashboard's planned page, events?window=ID), without reading them all.
        CREATE INDEX events_window ON events (window_id) WHERE window_id IS NOT NULL;
        """,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            revision INTEGER NOT NULL DEFAULT 1
        );
        """,
        """
        -- What each poll decided (complete, partial, failed), whether it was applied or kept as history (a late
        -- poll), why not, and which agent sent it (poll ids are unique per agent); which addresses a device's
        -- polls have decided so far (NULL: a device established before this was recorded).
        ALTER TABLE polls ADD COLUMN outcome TEXT;
        ALTER TABLE polls ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE polls ADD COLUMN note TEXT;
        ALTER TABLE polls ADD COLUMN agent_id INTEGER;
        ALTER TABLE devices ADD COLUMN decided TEXT;
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int Version => Migrations.Length;

    public static void Migrate(SqliteConnection connection, string location)
    {
        using var transaction = connection.BeginTransaction();
        var current = Convert.ToInt32(Execute(connection, transaction, "PRAGMA user_version", scalar: true), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Version)
        {
            throw new Core.Tracking.StoreException(
                $"database '{location}' has schema version {current}, newer than this PortWarden understands ({Version}); upgrade PortWarden");
        }

        if (current == Version)
        {
            // Up to date: opening a database must not write to it.
            return;
        }

        for (var version = current; version < Version; version++)
        {
            Execute(connection, transaction, Migrations[version]);
        }

        Execute(connection, transaction, $"PRAGMA user_version = {Version}");
        transaction.Commit();
    }

    private static object? Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, bool scalar = false)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return scalar ? command.ExecuteScalar() : command.ExecuteNonQuery();
    }
}
