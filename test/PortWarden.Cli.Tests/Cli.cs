using System.Net;
using System.Net.Sockets;

namespace PortWarden.Cli.Tests;

/// <summary>Runs the command line in-process with captured output.</summary>
internal static class Cli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliStreams(output, error, OutIsTerminal: false, ErrorIsTerminal: false), TimeProvider.System);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static Socket Listen(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(128);
        return socket;
    }

    public static int Port(this Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.Port();
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
