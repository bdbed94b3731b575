using System.Net.Http.Json;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.Core.Ports;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Tests.Truth;

/// <summary>
/// Random poll histories (complete, partial, failed, late, repeated) uploaded to a real hub as an agent uploads them
/// give exactly the change events, poll outcomes and baseline that <see cref="ReferenceTracker"/> says they must.
/// </summary>
public sealed class IngestionModelTests(ITestOutputHelper log)
{
    private static readonly string[] Addresses = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];
    private static readonly string[] Ports = ["tcp/21", "tcp/22", "tcp/80", "tcp/443", "udp/53", "udp/161"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1, 14_100_000, 100)]
    [InlineData(2, 14_200_000, 100)]
    public async Task Random_poll_histories_uploaded_to_the_hub_give_exactly_the_events_and_baseline_of_the_reference_model(int confirmPolls, int firstSeed, int histories)
    {
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var agent = await hub.EnrolAsync("model");
        using var client = ApiTests.With(hub, agent.Credential);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var (uploads, changeCount, late) = (0, 0, 0);
        for (var seed = firstSeed; seed < firstSeed + histories; seed++)
        {
            var deliveries = RandomPolls.Deliveries(new Random(seed), Addresses, Ports, start);
            var device = (await hub.PostAsync<JsonElement>("api/v1/devices", new { name = $"net-{seed}", kind = "network", targets = "127.0.0.1-4", agentIds = new[] { agent.AgentId } }))
                .GetProperty("id").GetInt64();
            var tracker = await hub.PostAsync<JsonElement>("api/v1/trackers", new
            {
                deviceId = device,
                name = "t",
                mode = "network",
                ports = "T:21,22,80,443,U:53,161",
                confirmPolls,
                schedule = new { atStartup = false },
            });
            var trackerId = tracker.GetProperty("id").GetInt64();
            var engine = tracker.GetProperty("engine").GetString()!;

            var model = new ReferenceTracker(confirmPolls, Ports);
            var firstDelivery = new Dictionary<Guid, int>();
            for (var d = 0; d < deliveries.Count; d++)
            {
                var poll = deliveries[d];
                firstDelivery.TryAdd(poll.Id, d);
                model.Deliver(d, poll);
                var response = await client.PostAsJsonAsync("api/v1/agent/polls", Upload(poll, trackerId, engine), WireJson.Options, Cancel);
                Assert.True(response.IsSuccessStatusCode, $"seed {seed}, confirm {confirmPolls}: delivery #{d} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
                uploads++;
            }

            var what = $"seed {seed} (confirmPolls {confirmPolls}); deliveries:\n{Describe(deliveries, start)}";
            var events = await hub.Store.QueryEventsAsync(new EventQuery { DeviceId = device }, Cancel).ToListAsync(Cancel);
            var changes = events.Where(e => e.Type is not (EventType.PollCompleted or EventType.Baseline)).ToList();
            var stored = changes
                .Select(e => (Delivery: firstDelivery[e.PollId], Line: ReferenceTracker.ChangeLine(firstDelivery[e.PollId], e.Type.ToWireName(), e.Host!, Key(e), e.OccurredAt)))
                .GroupBy(e => e.Delivery).SelectMany(group => group.Select(e => e.Line).Order(StringComparer.Ordinal)).ToList();
            Assert.True(model.Changes.SequenceEqual(stored), $"{what}\nexpected changes:\n{string.Join('\n', model.Changes)}\nstored changes:\n{string.Join('\n', stored)}");

            var completions = events.Where(e => e.Type == EventType.PollCompleted).Select(e =>
            {
                using var payload = JsonDocument.Parse(e.Payload!);
                return $"#{firstDelivery[e.PollId]} {payload.RootElement.GetProperty("outcome").GetString()} applied={payload.RootElement.GetProperty("applied").GetBoolean()}";
            }).ToList();
            Assert.True(model.Completions.SequenceEqual(completions), $"{what}\nexpected poll-completed:\n{string.Join('\n', model.Completions)}\nstored:\n{string.Join('\n', completions)}");

            var stateOfDevice = (await hub.Store.GetDeviceAsync(device, Cancel))!;
            var baseline = await hub.Store.LoadBaselineAsync(stateOfDevice, Cancel);
            var storedBaseline = baseline.Hosts.Values.OrderBy(h => h.Address, StringComparer.Ordinal)
                .Select(h => ReferenceTracker.BaselineLine(h.Address, h.State == Core.Scanning.HostState.Up, h.OpenPorts.Select(p => $"{p.Key.Protocol.ToWireName()}/{p.Key.Port}"))).ToList();
            Assert.True(model.Baseline.SequenceEqual(storedBaseline), $"{what}\nexpected baseline:\n{string.Join('\n', model.Baseline)}\nstored:\n{string.Join('\n', storedBaseline)}");
            Assert.True(model.LastApplied == stateOfDevice.LastPollAt, $"{what}\nlast poll: expected {model.LastApplied:u}, stored {stateOfDevice.LastPollAt:u}");
            Assert.True((model.LastApplied is not null) == stateOfDevice.BaselineEstablished, $"{what}\nbaseline established: {stateOfDevice.BaselineEstablished}");
            changeCount += stored.Count;
            late += model.Completions.Count(line => line.EndsWith("applied=False", StringComparison.Ordinal));
        }

        log.WriteLine($"{histories} histories, {uploads} uploads ({late} late), {changeCount} change events, confirmPolls {confirmPolls}: all as the model says");
    }

    private static string? Key(TrackEvent change) => change.Port is { } port ? $"{change.Protocol!.Value.ToWireName()}/{port}" : null;

    private static PollUpload Upload(ModelPoll poll, long tracker, string engine) =>
        new(poll.Id, tracker, null, poll.StartedAt, poll.FinishedAt, engine, poll.Error, "21-22,80,443", "53,161",
            poll.Hosts.Select(host =>
            {
                var open = Ports.Where(host.Open.Contains).Select(key => key.Split('/')).Select(part =>
                    new PortUpload(part[0], int.Parse(part[1], System.Globalization.CultureInfo.InvariantCulture), part[0] == "tcp" ? "syn-ack" : "udp-response", null, null, null, null)).ToList();
                var undecided = host.Undecided.Count == 0 ? null : string.Join(',', Ports.Where(host.Undecided.Contains).Select(key => (key.StartsWith("tcp", StringComparison.Ordinal) ? "T:" : "U:") + key.Split('/')[1]));
                return host.Up
                    ? new HostUpload(host.Address, null, "up", "syn-ack", open.Count, Ports.Length - open.Count - host.Undecided.Count, 0, open, [], undecided)
                    : new HostUpload(host.Address, null, "down", "no-response", 0, 0, 0, [], [], null);
            }).ToList());

    private static string Describe(IReadOnlyList<ModelPoll> deliveries, DateTimeOffset start) => string.Join('\n', deliveries.Select((poll, d) =>
        $"#{d} poll {poll.Id.ToString()[..8]} at +{(poll.StartedAt - start).TotalSeconds}s {poll.Outcome}{(poll.Error is null ? "" : $" ({poll.Error})")}: " +
        string.Join("; ", poll.Hosts.Select(h => h.Up ? $"{h.Address} up [{string.Join(",", h.Open.Order(StringComparer.Ordinal))}]{(h.Undecided.Count > 0 ? $" undecided [{string.Join(",", h.Undecided.Order(StringComparer.Ordinal))}]" : "")}" : $"{h.Address} down"))));
}
