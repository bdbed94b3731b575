using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// Parser of Linux `netstat -tulpn` output (net-tools):
/// <code>
/// Active Internet connections (only servers)
/// Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
/// tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      812/sshd: /usr/sbin
/// tcp6       0      0 :::22                   :::*                    LISTEN      812/sshd: /usr/sbin
/// udp        0      0 0.0.0.0:68              0.0.0.0:*                           601/dhclient
/// </code>
/// UDP rows have an empty state unless connected (then ESTABLISHED, and not kept). The program name is what
/// netstat shows (argv[0], possibly rewritten by the program, cut at 19 characters). Without -W netstat cuts
/// long IPv6 addresses, so the source runs it with -W; a cut address that no longer parses is skipped with a
/// warning like any malformed line.
/// </summary>
internal static class NetstatLinuxOutput
{
    public static IEnumerable<LocalSocket> Parse(TextReader reader, string name, LocalPortFilter filter, LocalWarnings warnings)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0] is "Active" or "Proto")
            {
                continue;
            }

            if (!TryParse(fields, out var socket, out var listening))
            {
                warnings.Warn(name, $"{name} line {number}: expected 'Proto Recv-Q Send-Q Local Foreign [State] PID/Program', got '{SsOutput.Excerpt(line)}': skipped");
                continue;
            }

            if (listening && filter.Wants(socket.Protocol, socket.Port))
            {
                yield return socket;
            }
        }
    }

    private static bool TryParse(string[] fields, [NotNullWhen(true)] out LocalSocket? socket, out bool listening)
    {
        socket = null;
        listening = false;
        var protocol = fields[0] switch
        {
            "tcp" or "tcp6" => Protocol.Tcp,
            "udp" or "udp6" => Protocol.Udp,
            _ => (Protocol?)null,
        };
        if (protocol is null || fields.Length < (protocol == Protocol.Tcp ? 6 : 5) || !EndpointText.TryParse(fields[3], out var address, out var port))
        {
            return false;
        }

        // After the foreign address: a state (always for TCP, for UDP only when connected), then PID/Program.
        var rest = 5;
        var state = "";
        if (fields.Length > 5 && (protocol == Protocol.Tcp || !LooksLikeProgram(fields[5])))
        {
            state = fields[5];
            rest = 6;
            if (!IsStateName(state))
            {
                return false;
            }
        }

        listening = protocol == Protocol.Tcp ? state == "LISTEN" : state.Length == 0;
        if (rest >= fields.Length)
        {
            // netstat -n without -p has no program column.
            socket = new LocalSocket(protocol.Value, address, port, null);
            return true;
        }

        var program = string.Join(' ', fields[rest..]);
        if (!LooksLikeProgram(program))
        {
            return false;
        }

        socket = new LocalSocket(protocol.Value, address, port, ParseProgram(program));
        return true;
    }

    /// <summary>netstat's state names: LISTEN, ESTABLISHED, TIME_WAIT, FIN_WAIT1, …</summary>
    private static bool IsStateName(string text) =>
        char.IsAsciiLetterUpper(text[0]) && text.AsSpan().IndexOfAnyExcept(StateCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> StateCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>"-" (owner not readable) or "pid/name".</summary>
    private static bool LooksLikeProgram(string text)
    {
        if (text == "-")
        {
            return true;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && text.AsSpan(0, slash).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static OwningProcess? ParseProgram(string text)
    {
        if (text == "-")
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var pid = int.Parse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture);
        var name = text[(slash + 1)..].Trim();
        return new OwningProcess(pid, name.Length == 0 ? null : name);
    }
}
