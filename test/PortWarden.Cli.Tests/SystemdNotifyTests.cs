using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>
/// The hub and the agent as systemd runs them (Type=notify): the process's parent is called "systemd" and
/// $NOTIFY_SOCKET names a datagram socket, which is all .NET looks at. They must say READY=1 once serving, log lines
/// with syslog priorities for journald, and say STOPPING=1 and exit 0 on SIGTERM.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdNotifyTests : IDisposable
{
    private const string AdminKey = "pwk_systemd-notify-test-admin-key-0123456789";
    private const int SigTerm = 15;

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-systemd-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Hub_and_agent_notify_systemd_when_ready_and_when_stopping()
    {
        var launcher = Path.Combine(directory.FullName, "systemd");
        // Not 'exec': the shell stays the parent of portwarden, as systemd is of a service.
        await File.WriteAllTextAsync(launcher, "#!/bin/sh\n\"$@\"\nexit $?\n", Cancel);
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var url = $"http://127.0.0.1:{Cli.FreePort()}/";

        await using var hub = await ServiceProcess.StartAsync(launcher, Path.Combine(directory.FullName, "hub.sock"),
            "serve", "--db", Path.Combine(directory.FullName, "hub.db"), "--urls", url.TrimEnd('/'), "--admin-key", AdminKey, "--no-local-agent");
        Assert.Equal("READY=1", await hub.NextNotificationAsync());
        using var admin = new HttpClient { BaseAddress = new Uri(url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Assert.True((await admin.GetAsync("healthz", Cancel)).IsSuccessStatusCode);
        var enrolment = await admin.PostAsJsonAsync("api/v1/enrollment-tokens", new { note = "systemd" }, Cancel);
        var token = JsonDocument.Parse(await enrolment.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("token").GetString()!;

        await using var agent = await ServiceProcess.StartAsync(launcher, Path.Combine(directory.FullName, "agent.sock"),
            "agent", "--hub", url, "--token", token, "--data-dir", Path.Combine(directory.FullName, "agent"), "--name", "systemd");
        Assert.Equal("READY=1", await agent.NextNotificationAsync());

        foreach (var service in new[] { agent, hub })
        {
            service.Terminate();
            Assert.Equal("STOPPING=1", await service.NextNotificationAsync());
            Assert.Equal(0, await service.ExitCodeAsync());
            // journald-friendly: every log line starts with its syslog priority, e.g. <6> for information.
            Assert.Contains(service.Output.Split('\n'), line => line.StartsWith("<6>", StringComparison.Ordinal));
            Assert.DoesNotContain("\u001b[", service.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>portwarden started by the fake systemd, with its own notification socket and captured output.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Socket socket;
        private readonly Process launcher;
        private readonly StringBuilder output = new();

        private ServiceProcess(Socket socket, Process launcher)
        {
            this.socket = socket;
            this.launcher = launcher;
        }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public static Task<ServiceProcess> StartAsync(string launcherPath, string socketPath, params string[] args)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(socketPath));
            var start = CliChild.StartInfo(new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socketPath }, args, launcherPath);
            var service = new ServiceProcess(socket, Process.Start(start)!);
            service.launcher.OutputDataReceived += (_, line) => service.Append(line.Data);
            service.launcher.ErrorDataReceived += (_, line) => service.Append(line.Data);
            service.launcher.BeginOutputReadLine();
            service.launcher.BeginErrorReadLine();
            return Task.FromResult(service);
        }

        public async Task<string> NextNotificationAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            var buffer = new byte[4096];
            try
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                return Encoding.UTF8.GetString(buffer, 0, length).Trim();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no notification from portwarden; its output:\n{Output}");
            }
        }

        /// <summary>SIGTERM to portwarden itself (the launcher's child), as systemctl stop sends it.</summary>
        public void Terminate()
        {
            var children = File.ReadAllText($"/proc/{launcher.Id}/task/{launcher.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            CliProcess.Signal(Process.GetProcessById(int.Parse(children.Single(), System.Globalization.CultureInfo.InvariantCulture)), SigTerm);
        }

        public async Task<int> ExitCodeAsync()
        {
            await launcher.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(90), Cancel);
            return launcher.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!launcher.HasExited)
            {
                launcher.Kill(entireProcessTree: true);
                await launcher.WaitForExitAsync(CancellationToken.None);
            }

            launcher.Dispose();
            socket.Dispose();
        }

        private void Append(string? line)
        {
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }
}
