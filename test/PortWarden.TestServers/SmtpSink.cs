using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace PortWarden.TestServers;

/// <summary>
/// A real SMTP server (the SmtpServer library) on a loopback port that keeps every message it accepts, parsed with MimeKit.
/// With a certificate it offers STARTTLS.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer server;
    private readonly CancellationTokenSource stop = new();
    private readonly Store store = new();
    private readonly Task running;

    private SmtpSink(int port, X509Certificate2? certificate)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port));
                if (certificate is not null)
                {
                    endpoint.Certificate(certificate);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(store);
        server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Messages => store.Messages.ToArray();

    public static async Task<SmtpSink> StartAsync(X509Certificate2? certificate = null, CancellationToken cancellationToken = default)
    {
        var sink = new SmtpSink(Ports.Free(), certificate);
        await Ports.WaitListeningAsync(sink.Port, TimeSpan.FromSeconds(10), cancellationToken);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        foreach (var message in store.Messages)
        {
            message.Dispose();
        }
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>Loopback ports for test servers.</summary>
public static class Ports
{
    /// <summary>A port free on 127.0.0.1 right now (the kernel's choice).</summary>
    public static int Free()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static async Task WaitListeningAsync(int port, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
