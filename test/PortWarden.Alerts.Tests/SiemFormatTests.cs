using PortWarden.Alerts.Formats;
using PortWarden.Core.Tracking;

namespace PortWarden.Alerts.Tests;

public sealed class SiemFormatTests
{
    [Fact]
    public void Cef_header_escapes_pipe_and_backslash_and_flattens_line_breaks()
    {
        Assert.Equal(@"a\|b\\c d e", CefFormat.EscapeHeader("a|b\\c\nd\re"));
    }

    [Fact]
    public void Cef_extension_values_escape_equals_backslash_and_line_breaks_but_not_pipes()
    {
        Assert.Equal(@"k\=v a\\b x|y one\ntwo\rthree", CefFormat.EscapeValue("k=v a\\b x|y one\ntwo\rthree"));
    }

    [Fact]
    public void A_cef_event_record_has_seven_header_fields_and_its_hostile_values_escaped()
    {
        var e = Samples.Opened(service: "we|ird=svc\\x", reference: "CHG-1\nrm -rf", classification: Classification.Planned);

        var line = CefFormat.Event(e);

        Assert.DoesNotContain('\n', line);
        var header = SplitUnescapedPipes(line);
        Assert.Equal(8, header.Count);
        Assert.Equal(["CEF:0", "PortWarden", "PortWarden"], header.Take(3));
        Assert.Equal(("port-opened", "Port opened", "3"), (header[4], header[5], header[6]));
        var extension = ParseExtension(header[7]);
        Assert.Equal("we|ird=svc\\x", extension["app"]);
        Assert.Equal("CHG-1\nrm -rf", extension["cs3"]);
        Assert.Equal("changeReference", extension["cs3Label"]);
        Assert.Equal(("198.18.1.5", "8080", "TCP", "planned"), (extension["dst"], extension["dpt"], extension["proto"], extension["cs2"]));
        Assert.Equal(Samples.At.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), extension["rt"]);
        Assert.False(extension.ContainsKey("cs6Label"), "a label without its field");
    }

    [Fact]
    public void A_grouped_cef_message_counts_the_events_and_lists_them_in_msg()
    {
        var message = Samples.Message([Samples.Opened(), Samples.Opened() with { Port = 9090, Id = Guid.CreateVersion7() }], rule: "ops|night=1");

        var extension = ParseExtension(SplitUnescapedPipes(CefFormat.Message(message))[7]);

        Assert.Equal(("2", "ops|night=1", "2"), (extension["cnt"], extension["cs2"], extension["cn1"]));
        Assert.Equal(2, extension["msg"].Split('\n').Length);
        Assert.Contains("tcp/9090 open", extension["msg"], StringComparison.Ordinal);
    }

    [Fact]
    public void Leef_escapes_pipes_and_backslashes_in_the_header_and_keeps_attributes_on_one_line()
    {
        var e = Samples.Opened(service: "a=b|c\\d\te", reference: "line1\r\nline2");

        var line = LeefFormat.Event(e);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.StartsWith("LEEF:2.0|PortWarden|PortWarden|", line, StringComparison.Ordinal);
        var header = SplitUnescapedPipes(line);
        Assert.Equal(("port-opened", "x09"), (header[4], header[5]));
        var attributes = header[6].Split('\t').Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("a=b|c\\d e", attributes["service"]);
        Assert.Equal("line1  line2", attributes["changeReference"]);
        Assert.Equal(("198.18.1.5", "8080", "unplanned"), (attributes["dst"], attributes["dstPort"], attributes["classification"]));
        Assert.Equal(@"ven\|dor\\x", LeefFormat.EscapeHeader("ven|dor\\x"));
    }

    [Fact]
    public void A_syslog_event_line_parses_as_rfc_5424_with_every_field_and_escaped_structured_data()
    {
        var e = Samples.Opened(service: "svc\"with]quote\\", reference: "CHG-9");

        var parsed = Rfc5424.Parse(SyslogFormat.Event(e, "scanner host").ToString());

        Assert.Equal((16, 4), (parsed.Facility, parsed.Severity));
        Assert.Equal(Samples.At, parsed.Timestamp);
        Assert.Equal(("scanner_host", "portwarden", "-", "port-opened"), (parsed.HostName, parsed.AppName, parsed.ProcId, parsed.MessageId));
        var data = parsed.StructuredData["portwarden@32473"];
        Assert.Equal("svc\"with]quote\\", data["service"]);
        Assert.Equal(("198.18.1.5", "8080", "tcp", "unplanned", "CHG-9", "web"), (data["host"], data["port"], data["protocol"], data["classification"], data["reference"], data["device"]));
        Assert.Equal("+ 198.18.1.5 tcp/8080 open svc\"with]quote\\ (unplanned)", parsed.Message);
    }

    [Fact]
    public void Syslog_header_fields_are_cut_to_their_limits_and_empty_ones_are_nil()
    {
        var message = new SyslogMessage(1, 6, Samples.At, new string('h', 300), "app", null, new string('m', 40), "text");

        var parsed = Rfc5424.Parse(message.ToString());

        Assert.Equal((255, "-", 32), (parsed.HostName.Length, parsed.ProcId, parsed.MessageId.Length));
        Assert.Empty(parsed.StructuredData);
        Assert.Equal(("text", 14), (parsed.Message, parsed.Priority));
    }

    /// <summary>Splits a CEF or LEEF line at the pipes of its header (not escaped ones, and not in the extension), undoing header escapes.</summary>
    internal static List<string> SplitUnescapedPipes(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var headerFields = line.StartsWith("CEF", StringComparison.Ordinal) ? 7 : 6;
        for (var i = 0; i < line.Length; i++)
        {
            if (fields.Count == headerFields)
            {
                current.Append(line[i]);
            }
            else if (line[i] == '\\' && i + 1 < line.Length)
            {
                current.Append(line[++i]);
            }
            else if (line[i] == '|')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(line[i]);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }

    /// <summary>Parses a CEF extension as a SIEM does: keys are the words before an unescaped '=', values are unescaped.</summary>
    internal static Dictionary<string, string> ParseExtension(string extension)
    {
        var keys = System.Text.RegularExpressions.Regex.Matches(extension, @"(?:^| )([A-Za-z0-9_]+)=(?<!\\=)");
        var result = new Dictionary<string, string>();
        for (var k = 0; k < keys.Count; k++)
        {
            var start = keys[k].Index + keys[k].Length;
            var end = k + 1 < keys.Count ? keys[k + 1].Index : extension.Length;
            var raw = extension[start..end];
            var value = new System.Text.StringBuilder();
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\\' && i + 1 < raw.Length)
                {
                    value.Append(raw[++i] switch { 'n' => '\n', 'r' => '\r', var c => c });
                }
                else
                {
                    value.Append(raw[i]);
                }
            }

            result[keys[k].Groups[1].Value] = value.ToString();
        }

        return result;
    }
}
