using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PortWarden.Core.Scanning;
using PortWarden.NetLab;
using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Hub.Tests;

/// <summary>A `portwarden agent` process stopped by SIGTERM mid-poll finishes that poll, as the same poll, when it starts again.</summary>
[Collection(NetworkLabTests.Name)]
public sealed partial class ResumedPollTests(ITestOutputHelper log)
{
    private static readonly int[] OpenPorts = [10, 100, 200, 290];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_poll_stopped_by_sigterm_is_checkpointed_and_finished_after_restart_as_one_poll_without_probing_decided_ports_again()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);

        // Closed ports answer at once (no ICMP rate limit in the lab host), so the tracker's probe rate alone sets the pace:
        // 300 ports at 25 probes/s take about 12 s, long enough to stop part way.
        await host.ExecAsync("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        var responders = OpenPorts.ToDictionary(port => port, port => host.ListenUdp(port, _ => "pong"u8.ToArray(), host.Address));
        var sources = await host.AddSourceAddressesAsync(4, cancellationToken: Cancel);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var enrolment = await hub.PostAsync<JsonElement>("api/v1/enrollment-tokens", new { note = "resumer" });
        var data = Directory.CreateTempSubdirectory("portwarden-resume-agent-");
        var checkpoints = Path.Combine(data.FullName, "state", "checkpoints");
        var logPath = Path.Combine(data.FullName, "agent.log");
        Process? agent = null;
        try
        {
            agent = StartAgent(logPath, data, "--hub", hub.BaseAddress.ToString(), "--token", enrolment.GetProperty("token").GetString()!, "--name", "resumer");
            await Waiting.UntilAsync(async () => (await hub.GetAsync("api/v1/agents")).EnumerateArray().Any(a => a.GetProperty("name").GetString() == "resumer"),
                TimeSpan.FromSeconds(60), "the agent to enrol");
            var agentId = (await hub.GetAsync("api/v1/agents")).EnumerateArray().Single(a => a.GetProperty("name").GetString() == "resumer").GetProperty("id").GetInt64();
            var device = await hub.DeviceAsync("lab", host.Address.ToString(), agentId);
            var tracker = await hub.TrackerAsync(device, "udp", new
            {
                ports = "U:1-300",
                options = new { rate = 25, sourceAddresses = string.Join(',', sources) },
            });
            Assert.True((await hub.Admin.PostAsync($"api/v1/trackers/{tracker}/run", null, Cancel)).IsSuccessStatusCode);

            // Stop once the scan has decided some of the listening ports but is far from done.
            await Waiting.UntilAsync(() => Task.FromResult(Decided(checkpoints) is { Count: >= 40 } decided && OpenPorts.Any(decided.Contains)),
                TimeSpan.FromSeconds(90), "the poll to be part way");
            CliProcess.Signal(agent, CliProcess.SigTerm);
            await agent.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
            Assert.Equal(0, agent.ExitCode);

            var file = Assert.Single(Directory.GetFiles(checkpoints, "*.ckpt"));
            var pollId = Guid.ParseExact(Path.GetFileNameWithoutExtension(file), "N");
            var stopped = Checkpoint.Read(file);
            Assert.DoesNotContain(stopped.Records, record => record is HostReport);
            var decidedThen = stopped.Records.OfType<Observation>().Select(o => o.Port).ToHashSet();
            Assert.InRange(decidedThen.Count, 40, 299);
            var decidedOpen = OpenPorts.Where(decidedThen.Contains).ToList();
            var queriesThen = decidedOpen.ToDictionary(port => port, port => responders[port].Received);
            log.WriteLine($"stopped poll {pollId} with {decidedThen.Count} of 300 ports decided, listening ones among them: {string.Join(',', decidedOpen)}");
            Assert.Contains($"Stopped poll {pollId} of 'udp' unfinished", await File.ReadAllTextAsync(logPath, Cancel), StringComparison.Ordinal);
            Assert.Equal(0, (await hub.GetAsync($"api/v1/devices/{device}/polls")).GetArrayLength());

            // Count at the lab host what the resumed poll sends to decided ports: only the UDP engine's canaries (datagrams
            // starting "PWCANARY", sent to ports known closed to measure the host's ICMP limits), no port probes; and that it
            // probes the undecided ones.
            var decidedSet = $"udp dport {{ {string.Join(", ", decidedThen.Order())} }}";
            var undecidedSet = $"udp dport {{ {string.Join(", ", Enumerable.Range(1, 300).Where(port => !decidedThen.Contains(port)))} }}";
            await host.SetFirewallAsync($"{decidedSet} counter", $"{decidedSet} @th,64,64 0x505743414e415259 counter", $"{undecidedSet} counter");

            agent.Dispose();
            agent = StartAgent(logPath, data);
            await Waiting.UntilAsync(async () => (await hub.GetAsync($"api/v1/devices/{device}/polls")).EnumerateArray().Any(p => !p.GetProperty("running").GetBoolean()),
                TimeSpan.FromSeconds(120), "the resumed poll to be recorded");
            await Waiting.UntilAsync(() => Task.FromResult(!Directory.EnumerateFileSystemEntries(checkpoints).Any()), TimeSpan.FromSeconds(30), "the checkpoint to go");

            var poll = Assert.Single((await hub.GetAsync($"api/v1/devices/{device}/polls?limit=100")).EnumerateArray());
            Assert.Equal(pollId, poll.GetProperty("id").GetGuid());
            Assert.Equal((4L, 296L), (poll.GetProperty("open").GetInt64(), poll.GetProperty("closed").GetInt64()));
            var baseline = await hub.GetAsync($"api/v1/devices/{device}/baseline");
            Assert.Equal(OpenPorts, baseline[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()));
            Assert.All(decidedOpen, port => Assert.Equal(queriesThen[port], responders[port].Received));
            var counters = CounterRegex().Matches(await host.ExecAsync("nft", "list", "chain", "inet", "pwlab", "input"))
                .Select(match => long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, counters.Count);
            log.WriteLine($"resumed poll: {counters[0]} datagrams to decided ports ({counters[1]} of them canaries), {counters[2]} to undecided ones");
            Assert.Equal(counters[1], counters[0]);
            Assert.True(counters[2] >= 300 - decidedThen.Count, $"{counters[2]} probes to the {300 - decidedThen.Count} undecided ports");
            Assert.Contains($"Resuming poll {pollId} of 'udp'", await File.ReadAllTextAsync(logPath, Cancel), StringComparison.Ordinal);
        }
        finally
        {
            if (agent is { HasExited: false })
            {
                CliProcess.Signal(agent, CliProcess.SigInt);
                await agent.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }

            agent?.Dispose();
            if (File.Exists(logPath))
            {
                log.WriteLine(await File.ReadAllTextAsync(logPath, CancellationToken.None));
            }

            data.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterRegex();

    private static Process StartAgent(string logPath, DirectoryInfo data, params string[] args) =>
        CliProcess.StartLogged(logPath, ["agent", "--data-dir", Path.Combine(data.FullName, "state"), "--refresh", "1", "--shutdown-grace", "1", .. args]);

    /// <summary>The ports decided so far by the poll being checkpointed, or null before its checkpoint exists.</summary>
    private static HashSet<int>? Decided(string directory)
    {
        var file = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.ckpt").SingleOrDefault() : null;
        return file is null ? null : Checkpoint.Read(file).Records.OfType<Observation>().Select(o => o.Port).ToHashSet();
    }
}
