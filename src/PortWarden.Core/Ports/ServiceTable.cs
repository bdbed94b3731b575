namespace PortWarden.Core.Ports;

/// <summary>Well-known service names by port and protocol, used to label open ports and to resolve names in port specifications.</summary>
public sealed class ServiceTable
{
    // Plain dictionaries with int and string keys: built in microseconds and already compiled in the runtime,
    // where frozen dictionaries keyed by tuples cost every command tens of milliseconds of start-up (JIT).
    private readonly Dictionary<int, string> namesByPort;
    private readonly Dictionary<string, IReadOnlyList<(Protocol Protocol, int Port)>> portsByName;

    private ServiceTable(IEnumerable<(Protocol Protocol, int Port, string Name, string[] Aliases)> entries)
    {
        var names = new Dictionary<int, string>();
        var ports = new Dictionary<string, List<(Protocol, int)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (protocol, port, name, aliases) in entries)
        {
            names[Key(protocol, port)] = name;
            foreach (var alias in aliases.Prepend(name))
            {
                if (!ports.TryGetValue(alias, out var list))
                {
                    ports[alias] = list = [];
                }

                list.Add((protocol, port));
            }
        }

        namesByPort = names;
        portsByName = new Dictionary<string, IReadOnlyList<(Protocol, int)>>(ports.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, list) in ports)
        {
            portsByName[name] = list;
        }
    }

    /// <summary>The table shipped with PortWarden.</summary>
    public static ServiceTable Default { get; } = LoadEmbedded();

    /// <summary>The conventional service name of a port, or null when the port has none.</summary>
    public string? NameOf(Protocol protocol, int port) => namesByPort.GetValueOrDefault(Key(protocol, port));

    private static int Key(Protocol protocol, int port) => (port << 1) | (int)protocol;

    /// <summary>Ports known by <paramref name="pattern"/>: a name or alias, with '*' and '?' wildcards allowed.</summary>
    public IReadOnlyList<(Protocol Protocol, int Port)> PortsNamed(string pattern)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?'))
        {
            return portsByName.GetValueOrDefault(pattern) ?? [];
        }

        return portsByName
            .Where(pair => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(pattern, pair.Key, ignoreCase: true))
            .SelectMany(pair => pair.Value)
            .Distinct()
            .ToList();
    }

    /// <summary>Parses the table format: "port/protocol TAB name [TAB alias,alias]"; '#' starts a comment.</summary>
    public static ServiceTable Parse(TextReader reader)
    {
        var entries = new List<(Protocol, int, string, string[])>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Split('#', 2)[0];
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var fields = text.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var portAndProtocol = fields[0].Split('/');
            if (fields.Length < 2 || portAndProtocol.Length != 2
                || !int.TryParse(portAndProtocol[0], out var port) || port is < PortRange.MinPort or > PortRange.MaxPort
                || !ProtocolNames.TryParse(portAndProtocol[1], out var protocol))
            {
                throw new FormatException($"services table line {lineNumber}: expected 'port/protocol<TAB>name', got '{line}'");
            }

            var aliases = fields.Length > 2 ? fields[2].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
            entries.Add((protocol, port, fields[1], aliases));
        }

        return new ServiceTable(entries);
    }

    private static ServiceTable LoadEmbedded()
    {
        using var stream = typeof(ServiceTable).Assembly.GetManifestResourceStream("PortWarden.Core.services.tsv")
            ?? throw new InvalidOperationException("the embedded services table is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
