using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// Parser of `ss -tulpn` output (iproute2):
/// <code>
/// Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
/// tcp   LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=812,fd=3))
/// udp   UNCONN 0      0      127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=640,fd=13))
/// </code>
/// TCP sockets in LISTEN and UDP sockets in UNCONN are kept; other states (ss -a) are not listening. The process
/// column lists every process holding the socket; the lowest pid is kept. Lines that do not parse are skipped
/// with a warning.
/// </summary>
internal static class SsOutput
{
    public static IEnumerable<LocalSocket> Parse(TextReader reader, string name, LocalPortFilter filter, LocalWarnings warnings)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split([' ', '\t'], 7, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0] == "Netid")
            {
                continue;
            }

            if (fields.Length < 6 || !ProtocolNames.TryParse(fields[0], out var protocol)
                || !EndpointText.TryParse(fields[4], out var address, out var port))
            {
                warnings.Warn(name, $"{name} line {number}: expected 'Netid State Recv-Q Send-Q Local:Port Peer:Port [Process]', got '{Excerpt(line)}': skipped");
                continue;
            }

            var listening = protocol == Protocol.Tcp ? fields[1] == "LISTEN" : fields[1] == "UNCONN";
            if (!listening || !filter.Wants(protocol, port))
            {
                continue;
            }

            yield return new LocalSocket(protocol, address, port, fields.Length > 6 ? LowestPidUser(fields[6]) : null);
        }
    }

    /// <summary>users:(("nginx",pid=2,fd=6),("nginx",pid=1,fd=6)) → nginx/1. Names may hold commas or quotes.</summary>
    public static OwningProcess? LowestPidUser(string column)
    {
        OwningProcess? lowest = null;
        var position = 0;
        while (true)
        {
            var start = column.IndexOf("(\"", position, StringComparison.Ordinal);
            if (start < 0)
            {
                return lowest;
            }

            var end = column.IndexOf("\",pid=", start + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                return lowest;
            }

            var digits = end + 6;
            var length = 0;
            while (digits + length < column.Length && char.IsAsciiDigit(column[digits + length]))
            {
                length++;
            }

            if (int.TryParse(column.AsSpan(digits, length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && (lowest is null || pid < lowest.Pid))
            {
                lowest = new OwningProcess(pid, column[(start + 2)..end]);
            }

            position = digits + length;
        }
    }

    internal static string Excerpt(string line) => line.Length > 80 ? line[..80].Trim() + "…" : line.Trim();
}
