using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using PortWarden.Agent.Wire;
using PortWarden.NetLab;

namespace PortWarden.Hub.Tests;

/// <summary>
/// A real `portwarden serve` child process on a fixed loopback port and a SQLite file in a directory of the caller's:
/// it can be killed (SIGKILL, no clean stop) and started again on the same database and port.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    public const string AdminKey = "pwk_serve-process-admin-key-0123456789abc";

    private readonly string directory;
    private readonly string[] extra;
    private int runs;

    private ServeProcess(string directory, int port, string[] extra)
    {
        this.directory = directory;
        this.extra = extra;
        Port = port;
        Url = $"http://127.0.0.1:{port}/";
        Admin = new HttpClient { BaseAddress = new Uri(Url) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public int Port { get; }

    public string Url { get; }

    public HttpClient Admin { get; }

    public Process? Process { get; private set; }

    public string DatabasePath => Path.Combine(directory, "hub.db");

    /// <summary>Starts serve and waits until /healthz answers.</summary>
    public static async Task<ServeProcess> StartAsync(string directory, CancellationToken cancellationToken, params string[] extra)
    {
        var serve = new ServeProcess(directory, FreePort(), extra);
        await serve.RestartAsync(cancellationToken);
        return serve;
    }

    /// <summary>Starts serve (again) on the same database, data directory and port, and waits until it answers.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        Process?.Dispose();
        runs++;
        Process = CliProcess.StartLogged(Path.Combine(directory, $"hub-{runs}.log"),
            ["serve", "--db", DatabasePath, "--data-dir", Path.Combine(directory, "hub"), "--urls", Url.TrimEnd('/'), "--admin-key", AdminKey, .. extra]);
        await Waiting.UntilAsync(() => HealthyAsync(cancellationToken), TimeSpan.FromSeconds(60), $"serve to answer on {Url} (log {directory}/hub-{runs}.log)");
    }

    /// <summary>Kills the hub with SIGKILL, as a crash or the OOM killer would, and waits for it to be gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        CliProcess.Signal(Process!, CliProcess.SigKill);
        await Process!.WaitForExitAsync(cancellationToken);
    }

    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        var response = await Admin.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        var response = await Admin.PostAsJsonAsync(path, body, WireJson.Options, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A one-time enrolment token for an agent process.</summary>
    public async Task<string> EnrolmentTokenAsync(CancellationToken cancellationToken) =>
        (await PostAsync("api/v1/enrollment-tokens", new { note = "test" }, cancellationToken)).GetProperty("token").GetString()!;

    public async ValueTask DisposeAsync()
    {
        if (Process is { HasExited: false } running)
        {
            CliProcess.Signal(running, CliProcess.SigInt);
            await running.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }

        Process?.Dispose();
        Admin.Dispose();
    }

    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task<bool> HealthyAsync(CancellationToken cancellationToken)
    {
        Assert.False(Process!.HasExited, $"serve exited with {(Process.HasExited ? Process.ExitCode : 0)} (log in {directory})");
        try
        {
            return (await Admin.GetAsync("healthz", cancellationToken)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
