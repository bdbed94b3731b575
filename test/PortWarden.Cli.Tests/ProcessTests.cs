using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>The real portwarden process: exit codes and signals as a shell sees them.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class ProcessTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scan_of_loopback_exits_0_with_its_results_on_stdout()
    {
        using var open = Cli.Listen(IPAddress.Loopback);
        using var process = CliProcess.Start("scan", "127.0.0.1", "-p", $"{open.Port()}", "--format", "json");

        var (code, output, _) = await CliProcess.FinishAsync(process, TimeSpan.FromSeconds(30), Cancel);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(open.Port(), json.RootElement.GetProperty("hosts")[0].GetProperty("ports")[0].GetProperty("port").GetInt32());
    }

    [Fact]
    public async Task Bad_input_exits_2_with_the_error_on_stderr()
    {
        using var process = CliProcess.Start("scan", "127.0.0.1", "-p", "1-2-3");

        var (code, output, error) = await CliProcess.FinishAsync(process, TimeSpan.FromSeconds(30), Cancel);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("invalid port '1-2-3' at position 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupt_stops_a_long_scan_promptly_with_exit_130()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [11, 12, 13] }, Cancel);
        using var process = CliProcess.Start("scan", host.Range(11, 13), "-p", "-", "--no-discovery", "--timeout", "3000");
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        Assert.False(process.HasExited, "the scan of silent hosts should still be running");

        var clock = Stopwatch.StartNew();
        CliProcess.Signal(process, CliProcess.SigInt);
        var (code, _, error) = await CliProcess.FinishAsync(process, TimeSpan.FromSeconds(10), Cancel);

        Assert.Equal(130, code);
        Assert.Contains("cancelled", error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"exit took {clock.Elapsed} after SIGINT");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkLabTests
{
    public const string Name = "network lab";
}
