using System.Globalization;
using System.Text.RegularExpressions;

namespace PortWarden.Alerts.Tests;

/// <summary>A strict RFC 5424 parser for tests: every header field by the ABNF, structured data with its escapes undone.</summary>
internal sealed partial record Rfc5424(int Priority, DateTimeOffset Timestamp, string HostName, string AppName, string ProcId, string MessageId,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StructuredData, string Message)
{
    public static Rfc5424 Parse(string line)
    {
        var header = Header().Match(line);
        Assert.True(header.Success, $"not an RFC 5424 header: {line}");
        var priority = int.Parse(header.Groups["pri"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(priority, 0, 191);
        Assert.True(DateTimeOffset.TryParseExact(header.Groups["ts"].Value, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out var timestamp), $"bad TIMESTAMP {header.Groups["ts"].Value}");
        foreach (var (group, limit) in new[] { ("host", 255), ("app", 48), ("proc", 128), ("msgid", 32) })
        {
            var value = header.Groups[group].Value;
            Assert.InRange(value.Length, 1, limit);
            Assert.All(value, c => Assert.InRange(c, '!', '~'));
        }

        var rest = line[header.Length..];
        var data = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        if (rest.StartsWith('-'))
        {
            rest = rest[1..];
        }
        else
        {
            while (rest.StartsWith('['))
            {
                var element = Element().Match(rest);
                Assert.True(element.Success, $"bad STRUCTURED-DATA at: {rest}");
                var parameters = new Dictionary<string, string>();
                for (var i = 0; i < element.Groups["name"].Captures.Count; i++)
                {
                    parameters[element.Groups["name"].Captures[i].Value] = Unescape().Replace(element.Groups["value"].Captures[i].Value, "$1");
                }

                data[element.Groups["id"].Value] = parameters;
                rest = rest[element.Length..];
            }
        }

        Assert.True(rest.Length == 0 || rest.StartsWith(' '), $"no space before MSG: {rest}");
        return new Rfc5424(priority, timestamp, header.Groups["host"].Value, header.Groups["app"].Value, header.Groups["proc"].Value, header.Groups["msgid"].Value,
            data, rest.Length == 0 ? "" : rest[1..]);
    }

    public int Facility => Priority / 8;

    public int Severity => Priority % 8;

    [GeneratedRegex(@"^<(?<pri>0|[1-9]\d{0,2})>1 (?<ts>\S+) (?<host>\S+) (?<app>\S+) (?<proc>\S+) (?<msgid>\S+) ", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"^\[(?<id>[!#-<>-\\^-~]{1,32})(?: (?<name>[!#-<>-\\^-~]{1,32})=""(?<value>(?:\\[""\\\]]|[^""\\\]])*)"")*\]", RegexOptions.CultureInvariant)]
    private static partial Regex Element();

    [GeneratedRegex(@"\\([""\\\]])", RegexOptions.CultureInvariant)]
    private static partial Regex Unescape();
}
