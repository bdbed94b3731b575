using System.Net;
using System.Net.Sockets;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests;

/// <summary>A UDP socket inside a lab host that answers every datagram, so UDP scanners see the port open.</summary>
internal sealed class LabUdpResponder : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public LabUdpResponder(LabHost host, IPAddress address, int port)
    {
        // Bound to the scanned address, not 0.0.0.0: the answer must come from the address that was asked.
        socket = host.RunInside(() =>
        {
            var inside = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            inside.Bind(new IPEndPoint(address, port));
            return inside;
        });
        loop = AnswerAsync();
    }

    private async Task AnswerAsync()
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                await socket.SendToAsync("pong"u8.ToArray(), SocketFlags.None, received.RemoteEndPoint, stop.Token);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        await loop;
        stop.Dispose();
    }
}
