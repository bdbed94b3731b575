using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace PortWarden.Cli.Tests;

/// <summary>
/// A service name nmap only looked up in its services table (method="table", no -sV) is not a service change:
/// two nmap runs with different tables name the same port differently, and `import` and `track --engine nmap`
/// record nothing for it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServiceTableNameTests : IDisposable
{
    private readonly ScanFilesFixture files = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Importing_two_scans_whose_service_tables_differ_records_no_service_change()
    {
        using var db = new TrackDatabase();
        using var open = Cli.Listen(IPAddress.Loopback);
        var port = open.Port().ToString(CultureInfo.InvariantCulture);
        var before = await files.NmapAsync("before.xml", "-sT", "-n", "-Pn", "-p", port, "--datadir", ServiceTable(port, "unknown"), "127.0.0.1");
        await Task.Delay(TimeSpan.FromSeconds(1.1), Cancel);
        var after = await files.NmapAsync("after.xml", "-sT", "-n", "-Pn", "-p", port, "--datadir", ServiceTable(port, "icslap"), "127.0.0.1");
        Assert.Equal([("table", "unknown"), ("table", "icslap")], [ServiceOf(before), ServiceOf(after)]);

        var first = await db.RunAsync("import", before, "--name", "loop");
        var second = await db.RunAsync("import", after, "--name", "loop", "--format", "json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(["poll-completed", "poll-completed"], (await db.EventDocumentsAsync()).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("1", db.Column("SELECT COUNT(*) FROM baseline_ports WHERE open = 1").Single());
    }

    [Fact]
    public async Task Tracking_with_nmap_whose_service_table_changed_records_no_service_change()
    {
        using var db = new TrackDatabase();
        using var open = Cli.Listen(IPAddress.Loopback);
        var port = open.Port().ToString(CultureInfo.InvariantCulture);
        // The real nmap, given another services table, as an upgraded nmap would have.
        var wrapper = files.Write("nmap-new-table", $"#!/bin/sh\nexec nmap --datadir '{ServiceTable(port, "icslap")}' \"$@\"\n");
        var old = files.Write("nmap-old-table", $"#!/bin/sh\nexec nmap --datadir '{ServiceTable(port, "unknown")}' \"$@\"\n");
        foreach (var script in new[] { wrapper, old })
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var first = await db.RunAsync("track", "127.0.0.1", "-p", port, "--engine", "nmap", "--name", "loop", "--nmap-path", old);
        var second = await db.RunAsync("track", "127.0.0.1", "-p", port, "--engine", "nmap", "--name", "loop", "--nmap-path", wrapper);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 change(s)", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("icslap", second.Output, StringComparison.Ordinal);
        Assert.Equal(["poll-completed", "poll-completed"], (await db.EventDocumentsAsync()).Select(e => e.GetProperty("type").GetString()));
    }

    /// <summary>An nmap data directory whose services table names <paramref name="port"/> <paramref name="name"/> (nmap 7.93's table names 2869 "icslap", older ones "unknown").</summary>
    private string ServiceTable(string port, string name)
    {
        Directory.CreateDirectory(files.PathOf(name));
        files.Write(Path.Combine(name, "nmap-services"), $"{name}\t{port}/tcp\t0.5\n");
        return files.PathOf(name);
    }

    private static (string? Method, string? Name) ServiceOf(string path)
    {
        var service = XDocument.Load(path).Descendants("service").Single();
        return ((string?)service.Attribute("method"), (string?)service.Attribute("name"));
    }
}
