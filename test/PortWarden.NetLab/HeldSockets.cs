using System.Diagnostics;
using System.Globalization;
using System.Net;
using PortWarden.Core.Ports;

namespace PortWarden.NetLab;

/// <summary>
/// A child process (test/PortWarden.SocketHolder) holding sockets open until disposed: "tcp/ADDRESS" listens,
/// "udp/ADDRESS" binds, "udp-connected/ADDRESS" binds and connects; each on a free port the child reports.
/// </summary>
public sealed class HeldSockets : IAsyncDisposable
{
    /// <summary>The holder's full name: the kernel's 15-character process name cuts it to "PortWarden.Sock".</summary>
    public const string ProgramName = "PortWarden.SocketHolder";

    private readonly Process process;
    private int disposed;

    private HeldSockets(Process process, IReadOnlyList<(Protocol Protocol, IPAddress Address, int Port)> sockets)
    {
        this.process = process;
        Sockets = sockets;
    }

    public int Pid => process.Id;

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? ProgramName + ".exe" : ProgramName);

    /// <summary>Each socket as bound: protocol (connected UDP counts as UDP), address and port.</summary>
    public IReadOnlyList<(Protocol Protocol, IPAddress Address, int Port)> Sockets { get; }

    public static async Task<HeldSockets> StartAsync(CancellationToken cancellationToken, params string[] specs)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var spec in specs)
        {
            start.ArgumentList.Add(spec);
        }

        var process = Process.Start(start)!;
        var sockets = new List<(Protocol, IPAddress, int)>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "ready")
        {
            var parts = line.Split(' ');
            sockets.Add((parts[0] == "tcp" ? Protocol.Tcp : Protocol.Udp, IPAddress.Parse(parts[1]), int.Parse(parts[2], CultureInfo.InvariantCulture)));
        }

        if (sockets.Count != specs.Length)
        {
            process.Kill();
            throw new InvalidOperationException($"socket holder failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        return new HeldSockets(process, sockets);
    }

    /// <summary>Closes the sockets: the child exits when its stdin closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        process.Dispose();
    }
}
