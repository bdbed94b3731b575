using System.Diagnostics;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>A real portwarden process killed in the middle of a UDP scan, and the scan resumed from its checkpoint.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class ResumeProcessTests(ITestOutputHelper log)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scan_killed_midway_and_resumed_gives_the_same_result_as_an_uninterrupted_scan()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(cancellationToken: Cancel);
        host.ListenUdp(53, query => query.Length >= 12 ? [.. query[..2], 0x84, 0x05, .. query[4..]] : null);
        host.ListenUdp(5000);
        await host.SetFirewallAsync("udp dport 81 drop", "udp dport 83 reject with icmpx type admin-prohibited");
        var sources = await host.AddSourceAddressesAsync(8, cancellationToken: Cancel);
        var work = Directory.CreateTempSubdirectory("portwarden-resume-");
        var checkpoint = Path.Combine(work.FullName, "scan.checkpoint");
        string[] scan = ["scan", host.Address.ToString(), "-p", "U:1-60,81,83,5000", "--source-addresses", $"{sources[0]}-{sources[^1].GetAddressBytes()[3]}"];
        try
        {
            using (var process = Start([.. scan, "--checkpoint", checkpoint, "--format", "json", "-o", Path.Combine(work.FullName, "killed.json"), "--no-progress"]))
            {
                await WaitForLinesAsync(checkpoint, 20);
                process.Kill();
                await process.WaitForExitAsync(Cancel);
            }

            var recorded = File.ReadAllLines(checkpoint).Length - 1;
            Assert.InRange(recorded, 20, 62);
            var clock = Stopwatch.StartNew();
            using var resumed = Start("scan", "--resume", checkpoint, "--format", "json", "--show-closed", "--no-progress");
            var (code, output, error) = await FinishAsync(resumed, TimeSpan.FromSeconds(120));
            Assert.True(code == 0, error);
            var resumeTime = clock.Elapsed;

            var uninterrupted = await Cli.RunAsync([.. scan, "--format", "json", "--show-closed"]);
            Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
            log.WriteLine($"{recorded} records before the kill; resumed in {resumeTime.TotalSeconds:0.0} s; uninterrupted scan {(clock.Elapsed - resumeTime).TotalSeconds:0.0} s");

            var expected = States(uninterrupted.Output);
            Assert.Equal(expected, States(output));
            Assert.Equal(63, expected.Count);
            Assert.Equal(["53:open", "81:open|filtered", "83:filtered", "5000:open|filtered"], expected.Where(s => !s.EndsWith(":closed", StringComparison.Ordinal)));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>"port:state" of every port of the single host in a JSON result, with its host line.</summary>
    private static List<string> States(string json)
    {
        using var document = JsonDocument.Parse(json);
        var host = Assert.Single(document.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal("up", host.GetProperty("state").GetString());
        return host.GetProperty("ports").EnumerateArray()
            .Select(port => (Port: port.GetProperty("port").GetInt32(), State: port.GetProperty("state").GetString()))
            .OrderBy(port => port.Port)
            .Select(port => $"{port.Port}:{port.State}")
            .ToList();
    }

    private static async Task WaitForLinesAsync(string path, int records)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (!File.Exists(path) || File.ReadAllLines(path).Length - 1 < records)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "portwarden.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<(int Code, string Output, string Error)> FinishAsync(Process process, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
