using PortWarden.Alerts.Channels;
using PortWarden.Core.Alerts;
using PortWarden.TestServers;

namespace PortWarden.Alerts.Tests;

/// <summary>The syslog channel against real listeners on loopback: UDP, TCP and TLS.</summary>
public sealed class SyslogChannelTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task A_message_arrives_as_one_rfc_5424_message_with_every_field(string transport)
    {
        await using var listener = SyslogListener.Start(transport);
        var message = Samples.Message([Samples.Opened(), Samples.Opened() with { Id = Guid.CreateVersion7(), Port = 22, Service = "ssh" }]);
        var channel = new AlertChannel { Type = "syslog", SyslogHost = "127.0.0.1", SyslogPort = listener.Port, SyslogTransport = transport, SyslogFacility = "local3" };

        await new SyslogSender().SendAsync(channel, message, Guid.CreateVersion7(), Cancel);

        var received = Assert.Single(await listener.WaitForAsync(1, TimeSpan.FromSeconds(10), Cancel));
        var parsed = Rfc5424.Parse(received);
        Assert.Equal((19, 4), (parsed.Facility, parsed.Severity));
        Assert.Equal(Samples.At, parsed.Timestamp);
        Assert.Equal((Environment.MachineName, "portwarden", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "alert"),
            (parsed.HostName, parsed.AppName, parsed.ProcId, parsed.MessageId));
        var data = parsed.StructuredData["portwarden@32473"];
        Assert.Equal(("ops", "web", "2", "2", "0"), (data["rule"], data["device"], data["total"], data["unplanned"], data["planned"]));
        Assert.Equal(message.PollId.ToString(), data["pollId"]);
        Assert.StartsWith("PortWarden: 2 changes on 'web'", parsed.Message, StringComparison.Ordinal);
        Assert.Contains("+ 198.18.1.5 tcp/22 open ssh (unplanned)", parsed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_tls_a_cef_message_arrives_framed_and_the_server_is_checked_against_the_given_certificate()
    {
        using var certificate = new TestCertificate();
        await using var listener = SyslogListener.Start("tls", certificate.Certificate);
        var message = Samples.Message([Samples.Opened(service: "odd=name|x")]);
        var channel = new AlertChannel
        {
            Type = "syslog",
            SyslogHost = "127.0.0.1",
            SyslogPort = listener.Port,
            SyslogTransport = "tls",
            SyslogFormat = "cef",
            CaCertificate = certificate.PemPath,
        };

        await new SyslogSender().SendAsync(channel, message, Guid.CreateVersion7(), Cancel);

        var parsed = Rfc5424.Parse(Assert.Single(await listener.WaitForAsync(1, TimeSpan.FromSeconds(10), Cancel)));
        Assert.StartsWith("CEF:0|PortWarden|PortWarden|", parsed.Message, StringComparison.Ordinal);
        var extension = SiemFormatTests.ParseExtension(SiemFormatTests.SplitUnescapedPipes(parsed.Message)[7]);
        Assert.Contains("tcp/8080 open odd=name|x", extension["msg"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_tls_a_server_the_channel_does_not_trust_is_refused()
    {
        using var certificate = new TestCertificate();
        using var other = new TestCertificate();
        await using var listener = SyslogListener.Start("tls", certificate.Certificate);
        var channel = new AlertChannel { Type = "syslog", SyslogHost = "127.0.0.1", SyslogPort = listener.Port, SyslogTransport = "tls", CaCertificate = other.PemPath };

        var error = await Assert.ThrowsAsync<AlertSendException>(() => new SyslogSender().SendAsync(channel, Samples.Message([Samples.Opened()]), Guid.CreateVersion7(), Cancel));

        Assert.Contains("tls://127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Empty(listener.Messages);
    }
}
