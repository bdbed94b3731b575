using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PortWarden.Packaging.Tests;

/// <summary>The self-contained single-file linux-x64 build: one executable that scans and serves with nothing else installed beside it.</summary>
[Collection(PackagingTests.Name)]
public sealed class SingleFileTests(BuiltArtifacts artifacts) : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-single-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void The_build_is_one_file()
    {
        Assert.Equal(["portwarden"], Directory.GetFiles(Path.GetDirectoryName(artifacts.SingleFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task It_scans_a_loopback_listener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var run = await Shell.RunAsync(artifacts.SingleFile, ["scan", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json"], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        var ports = JsonDocument.Parse(run.Output).RootElement.GetProperty("hosts")[0].GetProperty("ports");
        Assert.Contains(ports.EnumerateArray(), p => p.GetProperty("port").GetInt32() == port && p.GetProperty("state").GetString() == "open");
    }

    [Fact]
    public async Task It_serves_the_hub_with_its_database_and_unpacks_native_libraries_where_told()
    {
        var extract = Path.Combine(directory.FullName, "extract");
        var port = FreePort();
        var start = new ProcessStartInfo(artifacts.SingleFile) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "serve", "--db", Path.Combine(directory.FullName, "hub.db"), "--urls", $"http://127.0.0.1:{port}", "--no-local-agent" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract;
        using var hub = Process.Start(start)!;
        var output = hub.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = hub.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
            var healthy = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(90); !healthy && DateTime.UtcNow < deadline && !hub.HasExited;)
            {
                try
                {
                    healthy = (await client.GetAsync("healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200, TestContext.Current.CancellationToken);
                }
            }

            Assert.True(healthy, hub.HasExited ? $"the hub exited: {await error}" : "the hub did not answer /healthz");
            Assert.True(File.Exists(Path.Combine(directory.FullName, "hub", "admin.key")));
            Assert.NotEmpty(Directory.GetFiles(extract, "libe_sqlite3.so", SearchOption.AllDirectories));
        }
        finally
        {
            await Shell.RunAsync("kill", ["-TERM", hub.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            await hub.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        Assert.True(hub.ExitCode == 0, $"exit {hub.ExitCode}: {await output}{await error}");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
