using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PortWarden.NetLab;

/// <summary>A TCP server on loopback that greets every connection with a fixed banner, as SSH servers do.</summary>
public sealed class BannerServer : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly byte[] banner;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    /// <summary>Listens on <paramref name="address"/> (default loopback) and <paramref name="port"/> (default: a free one).</summary>
    public BannerServer(string banner, IPAddress? address = null, int port = 0)
    {
        this.banner = Encoding.ASCII.GetBytes(banner);
        address ??= IPAddress.Loopback;
        listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(64);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        acceptLoop = AcceptAsync();
    }

    /// <summary>An OpenSSH-like greeting, which nmap -sV identifies as product "OpenSSH" with the given version.</summary>
    public static BannerServer Ssh(string version, int port = 0) => new($"SSH-2.0-OpenSSH_{version}\r\n", port: port);

    public int Port { get; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(stop.Token).ConfigureAwait(false);
                _ = ServeAsync(connection);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                await connection.SendAsync(banner, SocketFlags.None, stop.Token).ConfigureAwait(false);
                var buffer = new byte[1024];
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                idle.CancelAfter(TimeSpan.FromSeconds(10));
                while (await connection.ReceiveAsync(buffer, SocketFlags.None, idle.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        await acceptLoop.ConfigureAwait(false);
        stop.Dispose();
    }
}
