using System.Net;
using System.Net.Sockets;

namespace PortWarden.NetLab;

/// <summary>
/// UDP sockets inside a lab host, one per address (so every answer leaves from the address it was sent to, as
/// real servers ensure), that answer each datagram with what the answer function returns, or, when it returns
/// null (or there is none), stay silent like a service that ignores what it does not understand. Run until disposed.
/// </summary>
public sealed class LabUdpResponder : IAsyncDisposable
{
    private readonly List<Socket> sockets;
    private readonly Func<byte[], byte[]?>? answer;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops;
    private int received;
    private int disposed;

    private LabUdpResponder(List<Socket> sockets, Func<byte[], byte[]?>? answer)
    {
        this.sockets = sockets;
        this.answer = answer;
        Port = ((IPEndPoint)sockets[0].LocalEndPoint!).Port;
        loops = sockets.Select(ServeAsync).ToList();
    }

    public int Port { get; }

    /// <summary>Datagrams received so far.</summary>
    public int Received => Volatile.Read(ref received);

    /// <summary>Binds each of <paramref name="addresses"/> at <paramref name="port"/> in the current thread's namespace.</summary>
    public static LabUdpResponder Open(IEnumerable<IPAddress> addresses, int port, Func<byte[], byte[]?>? answer)
    {
        var sockets = new List<Socket>();
        try
        {
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                socket.Bind(new IPEndPoint(address, port));
            }

            return new LabUdpResponder(sockets, answer);
        }
        catch
        {
            sockets.ForEach(socket => socket.Dispose());
            throw;
        }
    }

    private async Task ServeAsync(Socket socket)
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
        // The lab host disposes its responders too; a test may have disposed this one first.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        sockets.ForEach(socket => socket.Dispose());
        await Task.WhenAll(loops).ConfigureAwait(false);
        stop.Dispose();
    }
}
