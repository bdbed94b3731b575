using System.Net;
using System.Text;
using System.Text.Json;
using PortWarden.Cli.Output;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Cli.Tests;

/// <summary>Reading `scan --format json|jsonl` files back: what the writers write is what the reader reads.</summary>
public sealed class JsonScanReaderTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task What_the_writer_writes_the_reader_reads_back(bool jsonLines)
    {
        var format = jsonLines ? OutputFormat.Jsonl : OutputFormat.Json;
        var records = Scan(hosts: 300, portsPerHost: 40);

        var text = await WriteAsync(format, records);
        var (read, reader) = await ReadAsync(text, format == OutputFormat.Jsonl);

        Assert.Equal(records.Select(Describe), read.Select(Describe));
        Assert.Equal("nmap", reader.Engine);
        Assert.Equal("1-1024", reader.TcpPorts!.ToString());
        Assert.True(reader.UdpPorts!.IsEmpty);
        Assert.True(reader.IdentifiedServices);
        Assert.False(reader.Truncated);
        Assert.True(text.Length > 64 * 1024, "the file should span several read buffers");
    }

    [Fact]
    public async Task Pretty_printed_json_is_read_too()
    {
        var records = Scan(hosts: 3, portsPerHost: 2);
        using var compact = JsonDocument.Parse(await WriteAsync(OutputFormat.Json, records));
        var pretty = JsonSerializer.Serialize(compact.RootElement, Indented);

        var (read, _) = await ReadAsync(pretty, jsonLines: false);

        Assert.Equal(records.Select(Describe), read.Select(Describe));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_cut_anywhere_keeps_the_complete_hosts_and_says_so(bool jsonLines)
    {
        var format = jsonLines ? OutputFormat.Jsonl : OutputFormat.Json;
        var records = Scan(hosts: 4, portsPerHost: 2);
        var text = await WriteAsync(format, records);
        var complete = records.Select(Describe).ToList();

        for (var length = 1; length < text.TrimEnd().Length; length += 3)
        {
            try
            {
                var (read, reader) = await ReadAsync(text[..length], format == OutputFormat.Jsonl);
                Assert.True(reader.Truncated, $"cut at {length} not reported as truncated");
                var hosts = read.OfType<HostReport>().Select(Describe).ToList();
                Assert.Equal(complete.Where(line => line.StartsWith("host", StringComparison.Ordinal)).Take(hosts.Count), hosts);
            }
            catch (ScanFileFormatException error)
            {
                Assert.Fail($"cut at {length} failed: {error.Message}");
            }
        }
    }

    [Theory]
    [InlineData("[1,2,3]", "not a PortWarden JSON scan")]
    [InlineData("{\"engine\":\"connect\",\"hosts\":{}}", "\"hosts\" is not an array")]
    [InlineData("{\"hosts\":[{\"address\":\"nope\",\"state\":\"up\"}]}", "host 1: \"address\" 'nope' is not an IP address")]
    [InlineData("{\"hosts\":[{\"address\":\"10.0.0.1\",\"state\":\"sideways\"}]}", "host 1 (10.0.0.1): unknown host state 'sideways'")]
    [InlineData("{\"hosts\":[{\"address\":\"10.0.0.1\",\"state\":\"up\",\"ports\":[{\"protocol\":\"sctp\",\"port\":1,\"state\":\"open\"}]}]}", "unknown protocol 'sctp'")]
    [InlineData("{\"hosts\":[{\"address\":\"10.0.0.1\",\"state\":\"up\",\"ports\":[{\"protocol\":\"tcp\",\"port\":70000,\"state\":\"open\"}]}]}", "no \"port\" number 0-65535")]
    [InlineData("{\"hosts\":[]}\n{\"more\":1}", "unexpected content after the end")]
    [InlineData("{\"hosts\":[}", "not valid JSON")]
    public async Task Malformed_documents_are_clear_errors(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<ScanFileFormatException>(() => ReadAsync(text, jsonLines: false));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("'scan.json' line ", error.Message, StringComparison.Ordinal);
    }

    private static List<ScanRecord> Scan(int hosts, int portsPerHost)
    {
        var records = new List<ScanRecord>();
        for (var i = 0; i < hosts; i++)
        {
            var target = new ScanTarget(new IPAddress([10, 1, (byte)(i / 250), (byte)(i % 250 + 1)]), i % 3 == 0 ? $"host{i}" : null);
            for (var port = 1; port <= portsPerHost; port++)
            {
                records.Add(new Observation(target, Protocol.Tcp, port, port % 4 == 0 ? PortState.Closed : PortState.Open, "syn-ack")
                {
                    Service = "svc",
                    Detail = port % 2 == 0 ? new ServiceDetail("Product \"x\"", "1.0", "extra ✓") : null,
                });
            }

            records.Add(i % 5 == 4
                ? new HostReport(target, HostState.Down, "no-response", PortCounts.None)
                : new HostReport(target, HostState.Up, "user-set", new PortCounts(portsPerHost, 10, 2, 1)) { MacAddress = "02:00:00:00:00:01" });
        }

        // Down hosts have no port observations.
        var down = records.OfType<HostReport>().Where(r => r.State == HostState.Down).Select(r => r.Target).ToHashSet();
        return records.Where(r => r is HostReport || !down.Contains(r.Target)).ToList();
    }

    private static async Task<string> WriteAsync(OutputFormat format, IReadOnlyList<ScanRecord> records)
    {
        var text = new StringWriter();
        var output = ScanOutputs.Create(format, text, terminal: false, showAll: true);
        var summary = new ScanSummary("nmap", DateTimeOffset.UnixEpoch) { TcpPorts = PortSet.Of(Enumerable.Range(1, 1024)), UdpPorts = PortSet.Empty, ServiceDetection = true };
        await output.BeginAsync(summary, Cancel);
        foreach (var record in records)
        {
            summary.Add(record);
            await output.WriteAsync(record, Cancel);
        }

        await output.EndAsync(summary, Cancel);
        return text.ToString();
    }

    private static async Task<(List<ScanRecord> Records, JsonScanReader Reader)> ReadAsync(string text, bool jsonLines)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var reader = new JsonScanReader(stream, "scan.json", jsonLines);
        var records = await reader.ReadAsync(Cancel).ToListAsync(Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        return (records, reader);
    }

    private static string Describe(ScanRecord record) => record switch
    {
        Observation o => $"port {o.Target} {o.Key} {o.State} {o.Reason} {o.Service} {o.Detail}",
        HostReport h => $"host {h.Target} {h.State} {h.Reason} {h.Counts} {h.MacAddress}",
        _ => record.ToString(),
    };
}
