using System.Net;
using System.Net.Sockets;

namespace PortWarden.NetLab;

/// <summary>
/// A UDP socket inside a lab host that answers each datagram with what its answer function returns, or, when
/// the function returns null (or there is none), stays silent like a service that ignores what it does not
/// understand. Runs until disposed.
/// </summary>
public sealed class LabUdpResponder : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly Func<byte[], byte[]?>? answer;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int received;

    private LabUdpResponder(Socket socket, Func<byte[], byte[]?>? answer)
    {
        this.socket = socket;
        this.answer = answer;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        loop = ServeAsync();
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Datagrams received so far.</summary>
    public int Received => Volatile.Read(ref received);

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/> in the current thread's namespace.</summary>
    public static LabUdpResponder Open(IPAddress address, int port, Func<byte[], byte[]?>? answer)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            return new LabUdpResponder(socket, answer);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref received);
                if (answer?.Invoke(buffer[..result.ReceivedBytes]) is { } reply)
                {
                    await socket.SendToAsync(reply, SocketFlags.None, result.RemoteEndPoint, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier reply (the prober went away): keep serving.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        socket.Dispose();
        await loop.ConfigureAwait(false);
        stop.Dispose();
    }
}
