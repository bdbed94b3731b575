using System.Net;
using Microsoft.Data.Sqlite;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Alerts.Tests;

/// <summary>A real SQLite store in a scratch directory, and polls recorded into it from synthetic scan records.</summary>
internal sealed class ScratchStore : IAsyncDisposable
{
    public static readonly PortSet Tcp = PortSpec.Parse("1-1024").For(Protocol.Tcp);

    private readonly DirectoryInfo directory;

    private ScratchStore(DirectoryInfo directory, SqliteStore store)
    {
        this.directory = directory;
        Store = store;
    }

    public SqliteStore Store { get; }

    public static async Task<ScratchStore> OpenAsync()
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-alerts-");
        return new ScratchStore(directory, await SqliteStore.OpenAsync(Path.Combine(directory.FullName, "portwarden.db"), CancellationToken.None));
    }

    /// <summary>Records a poll in which each host is up with exactly the given TCP ports open (1-1024 scanned), at <paramref name="time"/>'s now.</summary>
    public async Task<PollResult> PollAsync(string device, TimeProvider time, params (string Address, int[] OpenPorts)[] hosts)
    {
        var found = await Store.FindDeviceAsync(device, CancellationToken.None)
            ?? await Store.SaveDeviceAsync(device, DeviceKind.Network, string.Join(' ', hosts.Select(h => h.Address)), CancellationToken.None);
        var baseline = await Store.LoadBaselineAsync(found, CancellationToken.None);
        var windows = await Store.ListChangeWindowsAsync(found.Id, CancellationToken.None);
        var started = time.GetUtcNow();
        var context = new PollContext(Guid.CreateVersion7(started), null, started, Tcp, PortSet.Empty, time);
        var diff = new PollDiff(baseline, context, TrackingPolicy.Default, new ChangeClassifier(windows));
        foreach (var (address, ports) in hosts)
        {
            var target = new ScanTarget(IPAddress.Parse(address), null);
            foreach (var port in ports)
            {
                diff.Add(new Observation(target, Protocol.Tcp, port, PortState.Open, Reasons.SynAck) { Service = ServiceTable.Default.NameOf(Protocol.Tcp, port) });
            }

            diff.Add(new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(ports.Length, Tcp.Count - ports.Length, 0)));
        }

        var result = diff.Finish(time.GetUtcNow(), "connect", null);
        await Store.RecordPollAsync(result, CancellationToken.None);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}
