using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Scanning.Checkpoints;

namespace PortWarden.Scanning.Tests.Udp;

public sealed class CheckpointTests : IDisposable
{
    private static readonly ScanDefinition Definition = new("198.18.1.10", "", "U:1-100", "", "udp") { Options = new TrackerOptions { SourceAddresses = "8", Rate = 100, Retries = 3, TimeoutMs = 500, Concurrency = 64, NoDiscovery = true } };
    private readonly string path = Path.Combine(Path.GetTempPath(), $"portwarden-checkpoint-{Guid.NewGuid():N}.jsonl");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => File.Delete(path);

    [Fact]
    public async Task Records_written_are_read_back_with_every_field()
    {
        var target = new ScanTarget(IPAddress.Parse("198.18.1.10"), "lab");
        ScanRecord[] records =
        [
            new Observation(target, Protocol.Udp, 53, PortState.Open, Reasons.UdpResponse)
            {
                Service = "domain",
                Detail = new ServiceDetail("dnsmasq", "2.90", "extra") { Banner = "dnsmasq-2.90" },
                RoundTrip = TimeSpan.FromMilliseconds(1.5),
            },
            new Observation(target, Protocol.Udp, 54, PortState.Closed, Reasons.PortUnreachable),
            new HostReport(target, HostState.Up, Reasons.UdpResponse, new PortCounts(1, 1, 0, 1)) { Undecided = [new PortKey(Protocol.Udp, 55)] },
        ];
        await using (var writer = await CheckpointWriter.CreateAsync(path, Definition, null, TimeProvider.System, Cancel))
        {
            foreach (var record in records)
            {
                await writer.WriteAsync(record, Cancel);
            }
        }

        var checkpoint = Checkpoint.Read(path);

        Assert.Equal(Definition, checkpoint.Definition);
        Assert.Equal(records.Select(Comparable), checkpoint.Records.Select(Comparable));
        Assert.Equal([new PortKey(Protocol.Udp, 55)], ((HostReport)checkpoint.Records[2]).Undecided);
        Assert.True(checkpoint.ToResume().IsFinished(target.Address));
    }

    [Fact]
    public async Task A_line_cut_off_by_a_kill_is_ignored_but_a_corrupt_one_is_reported_with_its_line()
    {
        await using (await CheckpointWriter.CreateAsync(path, Definition, null, TimeProvider.System, Cancel))
        {
        }

        await File.AppendAllTextAsync(path, """{"type":"port","address":"198.18.1.10","hostname":null,"protocol":"udp","port":7,"state":"closed","reason":"port-unreach"}""" + "\n" + """{"type":"port","addr""", Cancel);
        var resume = Checkpoint.Read(path).ToResume();
        Assert.Single(resume.DecidedPorts(IPAddress.Parse("198.18.1.10")));

        await File.AppendAllTextAsync(path, "\n{\"type\":\"port\"}\n", Cancel);
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));
        Assert.Contains("is corrupt at line 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is not a PortWarden checkpoint")]
    [InlineData("hello\n", "is not a PortWarden checkpoint")]
    [InlineData("{\"format\":\"something-else\"}\n", "is not a PortWarden checkpoint")]
    [InlineData("{\"format\":\"portwarden-checkpoint\",\"version\":2}\n", "is a version 2 checkpoint; this PortWarden reads version 1")]
    public async Task Files_that_are_no_checkpoint_of_this_version_are_refused(string content, string message)
    {
        await File.WriteAllTextAsync(path, content, Cancel);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));

        Assert.Contains($"checkpoint '{path}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Definitions_differ_by_their_first_difference()
    {
        Assert.Null(Definition.DifferenceFrom(Definition with { Targets = " 198.18.1.10 " }));
        Assert.Equal("ports 'U:1-100' vs 'U:1-200'", Definition.DifferenceFrom(Definition with { Ports = "U:1-200" }));
    }

    private static ScanRecord Comparable(ScanRecord record) => record is HostReport report ? report with { Undecided = [] } : record;
}
