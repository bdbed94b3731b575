using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using PortWarden.Alerts.Formats;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>
/// Syslog (RFC 5424) to a collector or SIEM: over UDP (one datagram, RFC 5426), TCP or TLS (octet-counting framing,
/// RFC 6587 and RFC 5425: "LENGTH SP MESSAGE"). The text is plain, CEF or LEEF as the channel says.
/// </summary>
public sealed class SyslogSender : IAlertChannelSender
{
    /// <summary>UDP datagrams are kept to this size; longer messages are cut (TCP and TLS carry any length).</summary>
    public const int MaxDatagram = 8192;

    public string Type => AlertChannelTypes.Syslog;

    public async Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var facility = channel.SyslogFacility is { } name && SyslogFacilities.TryParse(name, out var code) ? code : SyslogFormat.DefaultFacility;
        var line = SyslogFormat.Message(message, Environment.MachineName, facility, channel.SyslogFormat ?? "rfc5424", Environment.ProcessId).ToString();
        var bytes = Encoding.UTF8.GetBytes(line);
        var transport = channel.SyslogTransport ?? "udp";
        var port = channel.SyslogPort ?? (transport == "tls" ? 6514 : 514);
        try
        {
            if (transport == "udp")
            {
                using var udp = new UdpClient(channel.SyslogHost!, port);
                await udp.SendAsync(bytes.AsMemory(0, Math.Min(bytes.Length, MaxDatagram)), cancellationToken).ConfigureAwait(false);
                return;
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(channel.SyslogHost!, port, cancellationToken).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (transport == "tls")
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, TlsTrust.For(channel.CaCertificate));
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = channel.SyslogHost }, cancellationToken).ConfigureAwait(false);
                stream = tls;
            }

            await using (stream.ConfigureAwait(false))
            {
                var frame = Encoding.ASCII.GetBytes($"{bytes.Length} ");
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            throw new AlertSendException($"syslog {transport}://{channel.SyslogHost}:{port}: {error.Message}", error);
        }
    }
}
