using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PortWarden.Agent.Wire;
using PortWarden.NetLab;

namespace PortWarden.Hub.Tests;

/// <summary>`portwarden serve` (one, or two on one PostgreSQL database) and two `portwarden agent` processes sharing a sharded network poll.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class ShardedPollTests
{
    private const string AdminKey = "pwk_sharded-test-admin-key-0123456789abcdef";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_shard_of_an_agent_killed_mid_scan_is_leased_again_and_the_poll_completes()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [3, 20, 40, 60] }, Cancel);
        host.Listen(7);
        var directory = Directory.CreateTempSubdirectory("portwarden-sharded-");
        var database = Path.Combine(directory.FullName, "hub.db");
        var url = $"http://127.0.0.1:{FreePort()}/";
        var processes = new List<Process>();
        try
        {
            processes.Add(CliProcess.StartLogged(Path.Combine(directory.FullName, "hub.log"),
                "serve", "--db", database, "--urls", url.TrimEnd('/'), "--no-local-agent", "--shard-lease", "5", "--admin-key", AdminKey));
            using var admin = new HttpClient { BaseAddress = new Uri(url) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            await Waiting.UntilAsync(async () => await Healthy(admin), TimeSpan.FromSeconds(60), "the hub to start");

            var agents = new List<(long Id, Process Process)>();
            foreach (var name in new[] { "a", "b" })
            {
                var token = await Post(admin, "api/v1/enrollment-tokens", new { note = name });
                var process = CliProcess.StartLogged(Path.Combine(directory.FullName, $"agent-{name}.log"),
                    "agent", "--hub", url, "--token", token.GetProperty("token").GetString()!, "--data-dir", Path.Combine(directory.FullName, name), "--name", name, "--refresh", "1");
                processes.Add(process);
                await Waiting.UntilAsync(async () => (await Get(admin, "api/v1/agents")).EnumerateArray().Any(a => a.GetProperty("name").GetString() == name),
                    TimeSpan.FromSeconds(60), $"agent {name} to enrol");
                agents.Add(((await Get(admin, "api/v1/agents")).EnumerateArray().Single(a => a.GetProperty("name").GetString() == name).GetProperty("id").GetInt64(), process));
            }

            // Silent, non-existent addresses probed on every port with long timeouts: each shard takes seconds.
            var device = (await Post(admin, "api/v1/devices", new { name = "lan", kind = "network", targets = host.Range(1, 64), agentIds = agents.Select(a => a.Id) }))
                .GetProperty("id").GetInt64();
            var tracker = (await Post(admin, "api/v1/trackers", new
            {
                deviceId = device,
                name = "tcp",
                mode = "network",
                ports = "1-20",
                shardSize = 16,
                options = new { noDiscovery = true, timeoutMs = 2000 },
            })).GetProperty("id").GetInt64();
            Assert.Equal(System.Net.HttpStatusCode.Accepted, (await admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).StatusCode);

            var (victimId, victim) = agents[0];
            await Waiting.UntilAsync(() => Task.FromResult(Scalar(database, $"SELECT COUNT(*) FROM shards WHERE state = 'leased' AND agent_id = {victimId}") > 0),
                TimeSpan.FromSeconds(60), "the first agent to lease a shard");
            CliProcess.Signal(victim, CliProcess.SigKill);
            await victim.WaitForExitAsync(Cancel);

            await Waiting.UntilAsync(async () => (await Get(admin, $"api/v1/devices/{device}/polls")).EnumerateArray().Any(p => !p.GetProperty("running").GetBoolean()),
                TimeSpan.FromSeconds(120), "the poll to complete");
            var poll = (await Get(admin, $"api/v1/devices/{device}/polls"))[0];
            Assert.Equal((64, 4L), (poll.GetProperty("hostsScanned").GetInt32(), poll.GetProperty("open").GetInt64()));
            Assert.Equal(4L, Scalar(database, "SELECT COUNT(*) FROM shards WHERE state = 'done'"));
            Assert.True(Scalar(database, $"SELECT COUNT(*) FROM shards WHERE attempts > 1 AND agent_id = {agents[1].Id}") >= 1, "the killed agent's shard went to the other agent");
            var baseline = await Get(admin, $"api/v1/devices/{device}/baseline");
            Assert.Equal(4, baseline.EnumerateArray().Count(h => h.GetProperty("ports").EnumerateArray().Any(p => p.GetProperty("port").GetInt32() == 7)));
        }
        finally
        {
            foreach (var process in processes.Where(p => !p.HasExited))
            {
                CliProcess.Signal(process, CliProcess.SigInt);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            processes.ForEach(p => p.Dispose());
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Two_hubs_on_one_PostgreSQL_database_share_agents_devices_and_a_sharded_poll()
    {
        var server = Environment.GetEnvironmentVariable("PORTWARDEN_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(server), "PORTWARDEN_TEST_POSTGRES is not set: export PORTWARDEN_TEST_POSTGRES=\"$(test/postgres.sh start)\"");
        var name = $"portwarden_hubs_{Guid.NewGuid():N}";
        await PostgresAsync(server, $"CREATE DATABASE \"{name}\"");
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [3, 20, 40, 60] }, Cancel);
        host.Listen(7);
        var directory = Directory.CreateTempSubdirectory("portwarden-two-hubs-");
        var database = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var processes = new List<Process>();
        try
        {
            // Both hubs start at once on an empty database: one migrates it, the other waits for it.
            var hubs = new List<HttpClient>();
            foreach (var hub in new[] { "a", "b" })
            {
                var url = $"http://127.0.0.1:{FreePort()}/";
                processes.Add(CliProcess.StartLogged(Path.Combine(directory.FullName, $"hub-{hub}.log"),
                    "serve", "--db", database, "--urls", url.TrimEnd('/'), "--data-dir", Path.Combine(directory.FullName, $"hub-{hub}"),
                    "--no-local-agent", "--shard-lease", "5", "--admin-key", AdminKey));
                var client = new HttpClient { BaseAddress = new Uri(url) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
                hubs.Add(client);
            }

            foreach (var hub in hubs)
            {
                await Waiting.UntilAsync(async () => await Healthy(hub), TimeSpan.FromSeconds(60), $"hub {hub.BaseAddress} to start");
            }

            // Each agent enrols with a token from the other hub and talks to its own: tokens, credentials and trackers are the database's.
            var agentIds = new List<long>();
            foreach (var (agent, index) in new[] { ("east", 0), ("west", 1) })
            {
                var token = await Post(hubs[1 - index], "api/v1/enrollment-tokens", new { note = agent });
                processes.Add(CliProcess.StartLogged(Path.Combine(directory.FullName, $"agent-{agent}.log"),
                    "agent", "--hub", hubs[index].BaseAddress!.ToString(), "--token", token.GetProperty("token").GetString()!,
                    "--data-dir", Path.Combine(directory.FullName, agent), "--name", agent, "--refresh", "1"));
                await Waiting.UntilAsync(async () => (await Get(hubs[1 - index], "api/v1/agents")).EnumerateArray().Any(a => a.GetProperty("name").GetString() == agent),
                    TimeSpan.FromSeconds(60), $"agent {agent} to enrol");
                agentIds.Add((await Get(hubs[0], "api/v1/agents")).EnumerateArray().Single(a => a.GetProperty("name").GetString() == agent).GetProperty("id").GetInt64());
            }

            var device = (await Post(hubs[0], "api/v1/devices", new { name = "lan", kind = "network", targets = host.Range(1, 64), agentIds }))
                .GetProperty("id").GetInt64();
            var tracker = (await Post(hubs[0], "api/v1/trackers", new
            {
                deviceId = device,
                name = "tcp",
                mode = "network",
                ports = "1-20",
                shardSize = 16,
                options = new { noDiscovery = true, timeoutMs = 1000 },
            })).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.Accepted, (await hubs[1].PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).StatusCode);

            await Waiting.UntilAsync(async () => (await Get(hubs[1], $"api/v1/devices/{device}/polls")).EnumerateArray().Any(p => !p.GetProperty("running").GetBoolean()),
                TimeSpan.FromSeconds(120), "the sharded poll to complete");
            foreach (var hub in hubs)
            {
                var poll = (await Get(hub, $"api/v1/devices/{device}/polls"))[0];
                Assert.Equal((64, 4L, (string?)null), (poll.GetProperty("hostsScanned").GetInt32(), poll.GetProperty("open").GetInt64(), poll.GetProperty("error").GetString()));
                var baseline = await Get(hub, $"api/v1/devices/{device}/baseline");
                Assert.Equal(4, baseline.EnumerateArray().Count(h => h.GetProperty("ports").EnumerateArray().Any(p => p.GetProperty("port").GetInt32() == 7)));
            }

            hubs.ForEach(hub => hub.Dispose());
        }
        finally
        {
            foreach (var process in processes.Where(p => !p.HasExited))
            {
                CliProcess.Signal(process, CliProcess.SigInt);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            processes.ForEach(p => p.Dispose());
            directory.Delete(recursive: true);
            await PostgresAsync(server!, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task PostgresAsync(string server, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync(Cancel);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<bool> Healthy(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("healthz", Cancel)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, WireJson.Options, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Get(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path, Cancel)).RootElement.Clone();

    private static long Scalar(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
