using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;

namespace PortWarden.Bench;

/// <summary>
/// Diff and record of a poll with 1,000,000 open-port observations against a baseline of the same size with
/// 1% changed (half closed, half opened), on the embedded SQLite store and, given an admin connection string
/// (--postgres), on a new PostgreSQL database. Observations are generated lazily,
/// as a scan streams them, so memory is what the tracking side holds.
/// </summary>
internal static class DiffAndRecord
{
    public static async Task<int> RunAsync(string[] args)
    {
        var hosts = int.Parse(BenchArgs.Option(args, "--hosts") ?? "10000", CultureInfo.InvariantCulture);
        var perHost = int.Parse(BenchArgs.Option(args, "--ports-per-host") ?? "100", CultureInfo.InvariantCulture);
        Console.WriteLine($"{hosts:N0} hosts x {perHost} open ports = {(long)hosts * perHost:N0} observations per poll");
        Console.WriteLine($"{"store / poll",-40} {"load",9} {"diff",9} {"record",9} {"events",8} {"peak MB",8}");
        await ScratchStores.SqliteAsync(store => PollTwiceAsync(store, "sqlite", hosts, perHost)).ConfigureAwait(false);
        if (BenchArgs.Option(args, "--postgres") is { } admin)
        {
            await ScratchStores.PostgresAsync(admin, store => PollTwiceAsync(store, "postgresql", hosts, perHost)).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task PollTwiceAsync(IPortWardenStore store, string storeName, int hosts, int perHost)
    {
        var device = await store.SaveDeviceAsync("bench", DeviceKind.Network, "10.0.0.0/8", CancellationToken.None).ConfigureAwait(false);
        var tcp = PortSpec.Parse("1-1024").For(Protocol.Tcp);
        await PollAsync(store, device, tcp, $"{storeName}: first (records the baseline)", Generate(hosts, perHost, changed: false)).ConfigureAwait(false);
        device = (await store.FindDeviceAsync("bench", CancellationToken.None).ConfigureAwait(false))!;
        await PollAsync(store, device, tcp, $"{storeName}: second (1% changed)", Generate(hosts, perHost, changed: true)).ConfigureAwait(false);
    }

    private static async Task PollAsync(IPortWardenStore store, Device device, PortSet tcp, string name, IEnumerable<ScanRecord> records)
    {
        var clock = Stopwatch.StartNew();
        var baseline = await store.LoadBaselineAsync(device, CancellationToken.None).ConfigureAwait(false);
        var load = clock.Elapsed;

        clock.Restart();
        var started = DateTimeOffset.UtcNow;
        var context = new PollContext(Guid.CreateVersion7(started), null, started, tcp, PortSet.Empty, TimeProvider.System);
        var diff = new PollDiff(baseline, context, TrackingPolicy.Default, ChangeClassifier.None);
        foreach (var record in records)
        {
            diff.Add(record);
        }

        var result = diff.Finish(DateTimeOffset.UtcNow, "bench", null);
        var compare = clock.Elapsed;

        clock.Restart();
        await store.RecordPollAsync(result, CancellationToken.None).ConfigureAwait(false);
        var recording = clock.Elapsed;

        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-40} {load.TotalSeconds,7:0.000} s {compare.TotalSeconds,7:0.000} s {recording.TotalSeconds,7:0.000} s {result.ChangeEvents.Count(),8} {process.PeakWorkingSet64 / (1024 * 1024),8}"));
    }

    /// <summary>Every host with ports 1..perHost open; when changed, 1% of all ports differ: on every 2nd host one port closed and one opened.</summary>
    private static IEnumerable<ScanRecord> Generate(int hosts, int perHost, bool changed)
    {
        for (var h = 0; h < hosts; h++)
        {
            var target = new ScanTarget(new IPAddress(new byte[] { 10, (byte)(h >> 16), (byte)(h >> 8), (byte)h }));
            var changesHere = changed ? perHost / 100 : 0;
            for (var port = 1 + changesHere; port <= perHost + changesHere; port++)
            {
                yield return new Observation(target, Protocol.Tcp, port, PortState.Open, Reasons.SynAck);
            }

            yield return new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(perHost, 1024 - perHost, 0));
        }
    }
}
