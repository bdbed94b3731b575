using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden track` of UDP ports behind packet loss: silence and lost answers must never read as changes.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class LossyUdpTrackTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_udp_polls_of_a_stable_host_behind_5_percent_loss_give_no_change_events()
    {
        using var db = new TrackDatabase();
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LossPercent = 5 }, Cancel);

        // Closed ports answer with ICMP at once (no rate limit in the lab host), so loss, not pacing, is what is tested.
        await host.ExecAsync("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        await using var dns = host.ListenUdp(53, _ => "pong"u8.ToArray(), host.Address);
        await using var snmp = host.ListenUdp(161, _ => "pong"u8.ToArray(), host.Address);
        await using var other = host.ListenUdp(57, _ => "pong"u8.ToArray(), host.Address);

        for (var poll = 0; poll < 20; poll++)
        {
            var run = await db.RunAsync("track", host.Address.ToString(), "-p", "U:52-54,57,161", "--name", "lossy-udp");
            Assert.True(run.ExitCode == 0, $"poll {poll}: {run}");
        }

        Assert.Empty(await db.EventsAsync("--device", "lossy-udp", "--type", "port-opened,port-closed,host-up,host-down,service-changed"));
        Assert.Equal(20, (await db.EventsAsync("--device", "lossy-udp", "--type", "poll-completed")).Count);
        Assert.Equal(3L, db.Scalar("SELECT COUNT(*) FROM baseline_ports WHERE open = 1 AND protocol = 'udp'"));
    }
}
