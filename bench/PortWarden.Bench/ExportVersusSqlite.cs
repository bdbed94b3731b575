using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Bench;

/// <summary>
/// `portwarden export` of an event log of about 1,000,000 change events (SQLite) against the sqlite3 shell dumping
/// the same rows as CSV and JSON: the floor of reading the table, with none of PortWarden's formatting. Both write to
/// a file; wall-clock time and peak memory (which must stay flat: the export streams) are compared.
/// </summary>
internal static class ExportVersusSqlite
{
    private const string Columns =
        "e.seq, e.id, e.occurred_at, e.type, d.name, e.host, e.hostname, e.protocol, e.port, e.old_state, e.new_state, e.service, e.old_service, e.classification, e.reference, e.window_id, e.poll_id";

    public static async Task<int> RunAsync(string[] args)
    {
        var portwarden = BenchArgs.Option(args, "--portwarden") ?? throw new ArgumentException("--portwarden PATH is required");
        var hosts = int.Parse(BenchArgs.Option(args, "--hosts") ?? "20000", CultureInfo.InvariantCulture);
        var polls = int.Parse(BenchArgs.Option(args, "--polls") ?? "50", CultureInfo.InvariantCulture);
        var directory = Directory.CreateTempSubdirectory("portwarden-bench-export-");
        try
        {
            var db = Path.Combine(directory.FullName, "events.db");
            var clock = Stopwatch.StartNew();
            var events = await FillAsync(db, hosts, polls).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"event log: {events:N0} change events ({polls} polls of {hosts:N0} hosts), made in {clock.Elapsed.TotalSeconds:0.0} s"));
            Console.WriteLine($"{"export",-34} {"PortWarden",12} {"peak MB",8} {"sqlite3",10} {"peak MB",8} {"ratio",6}");
            foreach (var (format, mode) in new[] { ("csv", "-csv"), ("jsonl", "-json"), ("cef", null) })
            {
                var mine = Path.Combine(directory.FullName, "portwarden." + format);
                var ours = await Measured.RunAsync(portwarden, "export", "--db", db, "--format", format, "-o", mine).ConfigureAwait(false);
                var lines = File.ReadLines(mine).LongCount() - (format == "csv" ? 1 : 0);
                if (lines != events + polls + 1)
                {
                    // Every change event, plus one poll-completed event per poll (the first poll's too).
                    throw new InvalidOperationException($"export {format} wrote {lines} events, expected {events + polls + 1}");
                }

                if (mode is null)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{format + " (no peer)",-34} {ours.Time.TotalSeconds,10:0.00} s {ours.PeakBytes / 1048576,8} {"",10} {"",8} {"",6}"));
                    continue;
                }

                var theirs = await Measured.RunAsync("sqlite3", mode, db, ".output " + Path.Combine(directory.FullName, "sqlite3." + format),
                    $"SELECT {Columns} FROM events e JOIN devices d ON d.id = e.device_id ORDER BY e.seq").ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{format + " (sqlite3 " + mode + ")",-34} {ours.Time.TotalSeconds,10:0.00} s {ours.PeakBytes / 1048576,8} {theirs.Time.TotalSeconds,8:0.00} s {theirs.PeakBytes / 1048576,8} {ours.Time / theirs.Time,6:0.00}"));
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Records a baseline of every host with ports 1-5 open, then polls in which port 6 of every host opens, closes, opens…: one event per host per poll.</summary>
    private static async Task<long> FillAsync(string db, int hosts, int polls)
    {
        await using var store = await SqliteStore.OpenAsync(db, CancellationToken.None).ConfigureAwait(false);
        var device = await store.SaveDeviceAsync("bench", DeviceKind.Network, "10.0.0.0/8", CancellationToken.None).ConfigureAwait(false);
        var tcp = PortSpec.Parse("1-1024").For(Protocol.Tcp);
        long events = 0;
        for (var poll = 0; poll <= polls; poll++)
        {
            device = (await store.FindDeviceAsync("bench", CancellationToken.None).ConfigureAwait(false))!;
            var baseline = await store.LoadBaselineAsync(device, CancellationToken.None).ConfigureAwait(false);
            var started = DateTimeOffset.UtcNow;
            var diff = new PollDiff(baseline, new PollContext(Guid.CreateVersion7(started), null, started, tcp, PortSet.Empty, TimeProvider.System),
                TrackingPolicy.Default, ChangeClassifier.None);
            foreach (var record in Generate(hosts, sixthOpen: poll % 2 == 1))
            {
                diff.Add(record);
            }

            var result = diff.Finish(DateTimeOffset.UtcNow, "bench", null);
            events += result.ChangeEvents.Count();
            await store.RecordPollAsync(result, CancellationToken.None).ConfigureAwait(false);
        }

        return events;
    }

    private static IEnumerable<ScanRecord> Generate(int hosts, bool sixthOpen)
    {
        for (var h = 0; h < hosts; h++)
        {
            var target = new ScanTarget(new IPAddress(new byte[] { 10, (byte)(h >> 16), (byte)(h >> 8), (byte)h }));
            for (var port = 1; port <= (sixthOpen ? 6 : 5); port++)
            {
                yield return new Observation(target, Protocol.Tcp, port, PortState.Open, Reasons.SynAck);
            }

            yield return new HostReport(target, HostState.Up, Reasons.SynAck, new PortCounts(sixthOpen ? 6 : 5, sixthOpen ? 1018 : 1019, 0));
        }
    }
}
