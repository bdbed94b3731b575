using PortWarden.Core.Alerts;

namespace PortWarden.Alerts.Tests;

/// <summary>Alert rules read from JSON (the config file and `alerts add --file`): shapes accepted, and errors that say where.</summary>
public sealed class AlertRuleDocumentTests
{
    private const string Rule = """
        {
          "name": "unplanned to ops",
          "match": { "types": ["port-opened", "service-changed"], "classification": "unplanned", "devices": ["web"], "hosts": "10.0.0.0/24", "ports": "T:1-1024,U:161" },
          "quietHours": { "start": "22:00", "end": "07:00", "timeZone": "Europe/Berlin" },
          "channels": [
            { "type": "webhook", "url": "https://hooks.example.test/pw", "secret": "k" },
            { "type": "email", "to": ["ops@example.test"], "from": "pw@example.test", "smtpHost": "mail.example.test", "smtpSecurity": "tls" },
            { "type": "syslog", "name": "siem", "syslogHost": "siem.example.test", "syslogTransport": "tls", "syslogFormat": "cef", "syslogFacility": "local4" }
          ]
        }
        """;

    [Fact]
    public void One_rule_an_array_and_a_config_section_all_read()
    {
        var one = Assert.Single(AlertRuleDocument.Parse(Rule));
        Assert.Equal(2, AlertRuleDocument.Parse($"[{Rule}, {Rule.Replace("unplanned to ops", "second", StringComparison.Ordinal)}]").Count);
        Assert.Single(AlertRuleDocument.Parse($$"""{ "alertRules": [ {{Rule}} ], "other": "settings of issue 10" }"""));

        Assert.Equal(["webhook", "email", "siem"], one.Channels.Select(c => c.NameOrDefault));
        Assert.Equal(("unplanned", "Europe/Berlin"), (one.Match.Classification, one.QuietHours!.TimeZone));
    }

    [Fact]
    public void A_stored_rule_round_trips_through_its_json()
    {
        var rule = AlertRuleDocument.Parse(Rule)[0];

        Assert.Equivalent(rule, AlertRuleDocument.Deserialize(AlertRuleDocument.Serialize(rule)), strict: true);
    }

    [Theory]
    [InlineData("""{"name":"x","channels":[{"type":"pager"}]}""", "$.channels[0].type: 'pager' is not a channel type")]
    [InlineData("""{"name":"x","channels":[{"type":"webhook","url":"ftp://a"}]}""", "$.channels[0].url: a webhook channel needs an http or https url")]
    [InlineData("""{"name":"x","match":{"ports":"99999"},"channels":[{"type":"slack","url":"https://a"}]}""", "$.match.ports:")]
    [InlineData("""{"name":"x","quietHours":{"start":"25:00","end":"07:00","timeZone":"Mars/Base"},"channels":[{"type":"slack","url":"https://a"}]}""", "$.quietHours.timeZone: 'Mars/Base'")]
    [InlineData("""{"name":"x","channels":[{"type":"email","to":["nobody"],"from":"a@b.c","smtpHost":"h"}]}""", "$.channels[0].to: 'nobody' is not an email address")]
    [InlineData("""{"name":"x","colour":"red","channels":[]}""", "colour")]
    [InlineData("""[{"name":"x","channels":[{"type":"slack","url":"https://a"}]}, {"name":"x","channels":[{"type":"slack","url":"https://a"}]}]""", "two rules are called 'x'")]
    [InlineData("""{"name":"x","channels":[{"type":"slack","url":"https://a"},{"type":"slack","url":"https://b"}]}""", "two channels are called 'slack'")]
    public void A_bad_document_is_refused_naming_where(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AlertRuleDocument.Parse(json, "rules.json"));

        Assert.StartsWith("rules.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
