using System.Net;
using System.Net.Sockets;

namespace PortWarden.NetLab;

/// <summary>A TCP listener inside a lab host that accepts and drops every connection until disposed.</summary>
public sealed class LabListener : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;
    private int disposed;

    internal LabListener(Socket socket)
    {
        this.socket = socket;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        acceptLoop = AcceptAsync();
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Opens a listener on <paramref name="address"/>:<paramref name="port"/> (port 0 picks a free one) in the current thread's namespace.</summary>
    public static LabListener Open(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(4096);
            return new LabListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var connection = await socket.AcceptAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        socket.Dispose();
        await acceptLoop.ConfigureAwait(false);
        stop.Dispose();
    }
}
