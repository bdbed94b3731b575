using MimeKit;
using PortWarden.Alerts.Channels;
using PortWarden.Core.Alerts;
using PortWarden.TestServers;

namespace PortWarden.Alerts.Tests;

/// <summary>The email channel against a real SMTP server on loopback.</summary>
public sealed class EmailChannelTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_alert_email_has_the_summary_as_subject_and_plain_text_and_html_bodies()
    {
        await using var sink = await SmtpSink.StartAsync(cancellationToken: Cancel);
        var message = Samples.Message([Samples.Opened(), Samples.Opened(service: "<script>") with { Id = Guid.CreateVersion7(), Port = 9000 }]);
        var channel = Channel(sink.Port, "none");
        var id = Guid.CreateVersion7();

        await new EmailSender().SendAsync(channel, message, id, Cancel);

        var mail = Assert.Single(sink.Messages);
        Assert.Equal(message.Subject, mail.Subject);
        Assert.Equal(["ops@example.test", "sec@example.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("portwarden@example.test", mail.From.Mailboxes.Single().Address);
        Assert.Equal(id.ToString(), mail.Headers["X-PortWarden-Delivery"]);
        Assert.True(mail.TextBody!.Contains("+ 198.18.1.5 tcp/8080 open http (unplanned)", StringComparison.Ordinal), mail.TextBody);
        Assert.Contains("tcp/9000", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(mail.Body);
    }

    [Fact]
    public async Task With_starttls_the_mail_goes_over_tls_to_a_server_with_the_trusted_certificate()
    {
        using var certificate = new TestCertificate();
        await using var sink = await SmtpSink.StartAsync(certificate.Certificate, Cancel);

        await new EmailSender().SendAsync(Channel(sink.Port, "starttls") with { CaCertificate = certificate.PemPath }, Samples.Message([Samples.Opened()]), Guid.CreateVersion7(), Cancel);

        Assert.Single(sink.Messages);
    }

    [Fact]
    public async Task Starttls_to_a_server_that_does_not_offer_it_fails_rather_than_sending_in_clear_text()
    {
        await using var sink = await SmtpSink.StartAsync(cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<AlertSendException>(() => new EmailSender().SendAsync(Channel(sink.Port, null), Samples.Message([Samples.Opened()]), Guid.CreateVersion7(), Cancel));

        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Messages);
    }

    private static AlertChannel Channel(int port, string? security) => new()
    {
        Type = "email",
        SmtpHost = "127.0.0.1",
        SmtpPort = port,
        SmtpSecurity = security,
        From = "portwarden@example.test",
        To = ["ops@example.test", "sec@example.test"],
    };
}
