using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning;

/// <summary>
/// Scans TCP ports with one engine and UDP ports with another at the same time, and gives one result: every
/// observation as it comes, and one <see cref="HostReport"/> per host once both engines have finished it. A host
/// is up when either engine found it up; if one found it down, that engine's ports of the host are listed as
/// undecided (it did not probe them), never silently dropped.
/// </summary>
public sealed class CombinedScanEngine(IScanEngine tcp, IScanEngine udp) : IScanEngine
{
    public string Name => $"{tcp.Name}+{udp.Name}";

    public IAsyncEnumerable<ScanRecord> ScanAsync(ScanRequest request, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.UdpPorts.IsEmpty)
        {
            return tcp.ScanAsync(request, progress, cancellationToken);
        }

        return request.TcpPorts.IsEmpty ? udp.ScanAsync(request, progress, cancellationToken) : MergeAsync(request, progress, cancellationToken);
    }

    private async IAsyncEnumerable<ScanRecord> MergeAsync(ScanRequest request, IProgress<ScanProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<(Protocol Protocol, ScanRecord Record)>(new BoundedChannelOptions(4096) { SingleReader = true });
        var progressOf = new ScanProgress?[2];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pumps = new[]
        {
            PumpAsync(tcp, request with { UdpPorts = PortSet.Empty }, Protocol.Tcp),
            PumpAsync(udp, request with { TcpPorts = PortSet.Empty }, Protocol.Udp),
        };
        var done = Task.WhenAll(pumps).ContinueWith(
            task => channel.Writer.TryComplete(task.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var waiting = new Dictionary<IPAddress, (Protocol Protocol, HostReport Report)>();
        try
        {
            await foreach (var (protocol, record) in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (record is not HostReport report)
                {
                    yield return record;
                    continue;
                }

                if (!waiting.Remove(report.Target.Address, out var other))
                {
                    waiting[report.Target.Address] = (protocol, report);
                    continue;
                }

                yield return protocol == Protocol.Tcp ? Merge(report, other.Report, request) : Merge(other.Report, report, request);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await done.ConfigureAwait(false);
        }

        async Task PumpAsync(IScanEngine engine, ScanRequest part, Protocol protocol)
        {
            var slot = protocol == Protocol.Tcp ? 0 : 1;
            var sink = progress is null ? null : new Progress(progressOf, slot, progress);
            await foreach (var record in engine.ScanAsync(part, sink, stop.Token).ConfigureAwait(false))
            {
                await channel.Writer.WriteAsync((protocol, record), stop.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One report from the TCP and the UDP report of the same host.</summary>
    internal static HostReport Merge(HostReport tcpReport, HostReport udpReport, ScanRequest request)
    {
        var (tcpUp, udpUp) = (tcpReport.State == HostState.Up, udpReport.State == HostState.Up);
        if (!tcpUp && !udpUp)
        {
            return tcpReport;
        }

        var undecided = new List<PortKey>();
        undecided.AddRange(tcpUp ? tcpReport.Undecided : request.TcpPorts.Ports().Select(port => new PortKey(Protocol.Tcp, port)));
        undecided.AddRange(udpUp ? udpReport.Undecided : request.UdpPorts.Ports().Select(port => new PortKey(Protocol.Udp, port)));
        var t = tcpUp ? tcpReport.Counts : PortCounts.None;
        var u = udpUp ? udpReport.Counts : PortCounts.None;
        var counts = new PortCounts(t.Open + u.Open, t.Closed + u.Closed, t.Filtered + u.Filtered, t.Other + u.Other);
        var up = tcpUp ? tcpReport : udpReport;
        return new HostReport(up.Target, HostState.Up, up.Reason, counts) { Undecided = undecided };
    }

    /// <summary>Reports the two engines' progress as one: ports done and total added up, the longer time left.</summary>
    private sealed class Progress(ScanProgress?[] parts, int slot, IProgress<ScanProgress> target) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            ScanProgress combined;
            lock (parts)
            {
                parts[slot] = value;
                var known = parts.OfType<ScanProgress>().ToList();
                var remaining = known.Select(part => part.Remaining).Where(r => r is not null).Max();
                combined = new ScanProgress(known.Sum(p => p.Completed), known.Sum(p => p.Total), known.Max(p => p.Elapsed)) { EstimatedRemaining = remaining };
            }

            target.Report(combined);
        }
    }
}
