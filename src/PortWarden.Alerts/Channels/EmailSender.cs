using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using PortWarden.Alerts.Formats;
using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Channels;

/// <summary>Email through an SMTP server (MailKit): plain-text and HTML alternatives; STARTTLS (default), implicit TLS, or none.</summary>
public sealed class EmailSender : IAlertChannelSender
{
    public string Type => AlertChannelTypes.Email;

    public async Task SendAsync(AlertChannel channel, AlertMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        using var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(channel.From!));
        foreach (var to in channel.To ?? [])
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        mail.Subject = message.Subject;
        mail.MessageId = $"{deliveryId:N}@portwarden";
        mail.Headers.Add("X-PortWarden-Delivery", deliveryId.ToString());
        mail.Body = new BodyBuilder { TextBody = AlertText.Body(message), HtmlBody = AlertHtml.Body(message) }.ToMessageBody();

        var security = channel.SmtpSecurity switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            "auto" => SecureSocketOptions.StartTlsWhenAvailable,
            _ => SecureSocketOptions.StartTls,
        };
        using var client = new SmtpClient { Timeout = 30_000 };
        if (TlsTrust.For(channel.CaCertificate) is { } trust)
        {
            client.ServerCertificateValidationCallback = trust;
        }

        try
        {
            await client.ConnectAsync(channel.SmtpHost!, channel.SmtpPort ?? (security == SecureSocketOptions.SslOnConnect ? 465 : 587), security, cancellationToken).ConfigureAwait(false);
            if (channel.SmtpUser is { } user)
            {
                await client.AuthenticateAsync(user, channel.SmtpPassword ?? "", cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(mail, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new AlertSendException($"SMTP {channel.SmtpHost}:{channel.SmtpPort}: {error.Message}", error);
        }
    }
}
