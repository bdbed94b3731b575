using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PortWarden.TestServers;

/// <summary>
/// A syslog collector on a loopback port: UDP (one message per datagram), or TCP / TLS with octet-counting framing
/// ("LENGTH SP MESSAGE", RFC 6587 and 5425). It keeps every message it reads, as text.
/// </summary>
public sealed class SyslogListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> messages = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Socket socket;
    private readonly Task loop;

    private SyslogListener(string transport, X509Certificate2? certificate)
    {
        var udp = transport == "udp";
        socket = new Socket(AddressFamily.InterNetwork, udp ? SocketType.Dgram : SocketType.Stream, udp ? ProtocolType.Udp : ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        if (udp)
        {
            loop = ReceiveDatagramsAsync();
        }
        else
        {
            socket.Listen(16);
            loop = AcceptAsync(certificate);
        }
    }

    public int Port { get; }

    public IReadOnlyList<string> Messages => messages.ToArray();

    public static SyslogListener Start(string transport, X509Certificate2? certificate = null) => new(transport, certificate);

    /// <summary>Waits until <paramref name="count"/> messages arrived (or the limit passes) and returns them.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Dispose();
        try
        {
            await loop;
        }
        catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        stop.Dispose();
    }

    private async Task ReceiveDatagramsAsync()
    {
        var buffer = new byte[65536];
        while (!stop.IsCancellationRequested)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
            messages.Enqueue(Encoding.UTF8.GetString(buffer, 0, received));
        }
    }

    private async Task AcceptAsync(X509Certificate2? certificate)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await socket.AcceptAsync(stop.Token);
            _ = Task.Run(() => ReadFramesAsync(client, certificate));
        }
    }

    private async Task ReadFramesAsync(Socket client, X509Certificate2? certificate)
    {
        using (client)
        {
            Stream stream = new NetworkStream(client, ownsSocket: false);
            if (certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(certificate, false, false);
                stream = tls;
            }

            await using (stream)
            {
                var reader = new BufferedStream(stream);
                while (true)
                {
                    var length = 0;
                    int b;
                    while ((b = reader.ReadByte()) is >= '0' and <= '9')
                    {
                        length = (length * 10) + (b - '0');
                    }

                    if (b != ' ')
                    {
                        return;
                    }

                    var frame = new byte[length];
                    await reader.ReadExactlyAsync(frame, stop.Token);
                    messages.Enqueue(Encoding.UTF8.GetString(frame));
                }
            }
        }
    }
}
