using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// Parser of Windows `netstat -ano` output:
/// <code>
/// Active Connections
///
///   Proto  Local Address          Foreign Address        State           PID
///   TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1004
///   TCP    [::]:445               [::]:0                 LISTENING       4
///   UDP    0.0.0.0:5353           *:*                                    2200
/// </code>
/// A TCP socket listens when its foreign address is the unspecified one with port 0: the state word is
/// translated on localized Windows ("ABHÖREN"), the foreign address is not. UDP rows have no state; every one
/// is a bound socket. The header lines are translated too, so any line that does not start with TCP or UDP is
/// ignored; a TCP or UDP line that does not parse is skipped with a warning. Only pids are shown: the source
/// adds process names.
/// </summary>
internal static class NetstatWindowsOutput
{
    public static IEnumerable<LocalSocket> Parse(TextReader reader, string name, LocalPortFilter filter, LocalWarnings warnings)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !ProtocolNames.TryParse(fields[0], out var protocol))
            {
                continue;
            }

            // Some translations of a TCP state take two words, so TCP rows may have more than five fields.
            if ((protocol == Protocol.Tcp ? fields.Length < 5 : fields.Length != 4)
                || !EndpointText.TryParse(fields[1], out var address, out var port)
                || !int.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || (protocol == Protocol.Tcp && !IsEndpointOrWildcard(fields[2])))
            {
                var format = protocol == Protocol.Tcp ? "'TCP Local Foreign State PID'" : "'UDP Local *:* PID'";
                warnings.Warn(name, $"{name} line {number}: expected {format}, got '{SsOutput.Excerpt(line)}': skipped");
                continue;
            }

            var listening = protocol == Protocol.Udp || IsUnspecifiedPeer(fields[2]);
            if (listening && filter.Wants(protocol, port))
            {
                yield return new LocalSocket(protocol, address, port, new OwningProcess(pid, null));
            }
        }
    }

    private static bool IsEndpointOrWildcard(string text) => text == "*:*" || EndpointText.TryParse(text, out _, out _);

    private static bool IsUnspecifiedPeer(string text) => text is "0.0.0.0:0" or "[::]:0";
}
