using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;
using PortWarden.Hub;
using PortWarden.Hub.Auth;

namespace PortWarden.Bench;

/// <summary>
/// How fast a hub ingests polls over HTTP: 1 and then 4 agents pushing uploads at once (each agent its own
/// device), on SQLite and, given an admin connection string, on PostgreSQL. Every poll of a device changes
/// some ports, so events are recorded too. Prints polls/s, events/s and the mean time per upload, and where that
/// time goes: the hub's own measure of diff and record (its ingestion_duration histogram, read in-process), the
/// rest being HTTP, authentication and JSON.
/// </summary>
internal static class HubIngestion
{
    private const string AdminKey = "pwk_bench-admin-key-0123456789abcdefghijkl";

    public static async Task<int> RunAsync(string[] args)
    {
        var polls = int.Parse(BenchArgs.Option(args, "--polls") ?? "200", CultureInfo.InvariantCulture);
        var hosts = int.Parse(BenchArgs.Option(args, "--hosts") ?? "20", CultureInfo.InvariantCulture);
        Console.WriteLine($"each poll: {hosts} hosts x 50 open ports of T:1-1024, 5 ports changed per host; {polls} polls per agent");
        Console.WriteLine($"{"store",-12} {"agents",6} {"polls/s",9} {"events/s",9} {"ms/upload",10} {"ms diff+record",15} {"share",6}");
        foreach (var agents in new[] { 1, 4 })
        {
            await ScratchStores.SqliteAsync(store => MeasureAsync(store, "sqlite", agents, polls, hosts)).ConfigureAwait(false);
            if (BenchArgs.Option(args, "--postgres") is { } admin)
            {
                await ScratchStores.PostgresAsync(admin, store => MeasureAsync(store, "postgresql", agents, polls, hosts)).ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task MeasureAsync(IPortWardenStore store, string name, int agents, int polls, int hosts)
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-bench-hub-");
        var options = new HubOptions { Urls = ["http://127.0.0.1:0"], DataDirectory = directory.FullName, LocalAgent = false, AdminKey = AdminKey };
        await AdminKeys.EnsureAsync(store, options, TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        await using var app = await HubApp.BuildAsync(options, store, TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Error), CancellationToken.None)
            .ConfigureAwait(false);
        await app.StartAsync().ConfigureAwait(false);
        var hub = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        using var admin = Client(hub, AdminKey);

        var clients = new List<(HttpClient Client, long Tracker)>();
        for (var i = 0; i < agents; i++)
        {
            var token = await Json(await admin.PostAsJsonAsync("api/v1/enrollment-tokens", new { note = "bench" }).ConfigureAwait(false)).ConfigureAwait(false);
            var enrolled = await Json(await admin.PostAsJsonAsync("api/v1/agents/enrol", new EnrolRequest(token.GetProperty("token").GetString()!, $"agent{i}", null)).ConfigureAwait(false)).ConfigureAwait(false);
            var device = await Json(await admin.PostAsJsonAsync("api/v1/devices", new { name = $"net{i}", kind = "network", targets = $"10.{i}.0.0/24", agentIds = new[] { enrolled.GetProperty("agentId").GetInt64() } }).ConfigureAwait(false)).ConfigureAwait(false);
            var tracker = await Json(await admin.PostAsJsonAsync("api/v1/trackers", new { deviceId = device.GetProperty("id").GetInt64(), name = "tcp", ports = "1-1024" }).ConfigureAwait(false)).ConfigureAwait(false);
            clients.Add((Client(hub, enrolled.GetProperty("credential").GetString()!), tracker.GetProperty("id").GetInt64()));
        }

        using var ingestion = new IngestionTime();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((c, agent) => Task.Run(async () =>
        {
            for (var poll = 0; poll < polls; poll++)
            {
                using var response = await c.Client.PostAsJsonAsync("api/v1/agent/polls", Upload(c.Tracker, agent, poll, hosts), WireJson.Options).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }
        }))).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var events = await store.QueryEventsAsync(new EventQuery(), CancellationToken.None).CountAsync().ConfigureAwait(false);
        var total = agents * polls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-12} {agents,6} {total / elapsed.TotalSeconds,9:0.0} {events / elapsed.TotalSeconds,9:0} {elapsed.TotalMilliseconds * agents / total,10:0.0} {ingestion.MeanMilliseconds,15:0.0} {ingestion.Seconds / (elapsed.TotalSeconds * agents),6:P0}"));
        clients.ForEach(c => c.Client.Dispose());
        await app.StopAsync().ConfigureAwait(false);
        directory.Delete(recursive: true);
    }

    /// <summary>A poll of a /24: every host has 50 open ports, 5 of which move with each poll.</summary>
    private static PollUpload Upload(long tracker, int agent, int poll, int hosts)
    {
        var now = DateTimeOffset.UtcNow;
        var list = new List<HostUpload>(hosts);
        for (var h = 1; h <= hosts; h++)
        {
            var ports = Enumerable.Range(1, 45).Concat(Enumerable.Range(100 + (5 * (poll % 50)), 5))
                .Select(p => new PortUpload("tcp", p, "syn-ack", null, null, null, null)).ToList();
            list.Add(new HostUpload($"10.{agent}.0.{h}", null, "up", "syn-ack", ports.Count, 1024 - ports.Count, 0, ports, [], null));
        }

        return new PollUpload(Guid.CreateVersion7(now), tracker, null, now, now, "bench", null, "T:1-1024", "", list);
    }

    private static HttpClient Client(Uri hub, string secret)
    {
        var client = new HttpClient { BaseAddress = hub };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException(text);
        }
    }

    /// <summary>Sums the hub's ingestion_duration measurements (diff and record of each upload) while it lives.</summary>
    private sealed class IngestionTime : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Lock gate = new();
        private double seconds;
        private long count;

        public IngestionTime()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "ingestion_duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
            {
                lock (gate)
                {
                    seconds += value;
                    count++;
                }
            });
            listener.Start();
        }

        public double Seconds
        {
            get
            {
                lock (gate)
                {
                    return seconds;
                }
            }
        }

        public double MeanMilliseconds
        {
            get
            {
                lock (gate)
                {
                    return count == 0 ? 0 : seconds * 1000 / count;
                }
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
