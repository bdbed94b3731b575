using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Scanning.Nmap;

/// <summary>The parts of one &lt;host&gt; element gathered while it is read; turned into records once it is complete.</summary>
internal sealed class NmapHost
{
    private readonly List<(Protocol Protocol, int Port, PortState State, string Reason, string? Service, ServiceDetail? Detail, bool Guessed)> ports = [];
    private readonly List<PortKey> undecided = [];
    private readonly List<string> hostNames = [];
    private PortCounts counts = PortCounts.None;
    private string? givenName;

    public NmapHost(long line, long position)
    {
        Line = line;
        Position = position;
    }

    public long Line { get; }

    public long Position { get; }

    public bool TimedOut { get; set; }

    public string? Status { get; set; }

    public string? StatusReason { get; set; }

    public IPAddress? Address { get; set; }

    public string? MacAddress { get; set; }

    public string? MacVendor { get; set; }

    /// <summary>Ports nmap grouped as &lt;extraports state="unknown"&gt;: it could not decide them and does not say which they are.</summary>
    public int UnknownExtraPorts { get; set; }

    public void AddHostName(string name, string? type)
    {
        hostNames.Add(name);
        if (type == "user")
        {
            givenName ??= name;
        }
    }

    public void AddPort(Protocol protocol, int port, PortState state, string reason, string? service, ServiceDetail? detail, bool serviceGuessed)
    {
        ports.Add((protocol, port, state, reason, service, detail, serviceGuessed));
        counts = counts.With(state);
    }

    /// <summary>A port listed with state "unknown": nmap did not decide it.</summary>
    public void AddUndecidedPort(PortKey key) => undecided.Add(key);

    /// <summary>
    /// With unknown grouped ports, every requested port the host does not list is undecided (nmap does not say which
    /// ones the group holds); null when the run does not say which ports it requested.
    /// </summary>
    public bool TryAddUnlistedAsUndecided(Func<Protocol, PortSet?> requested)
    {
        if (UnknownExtraPorts == 0)
        {
            return true;
        }

        var listed = ports.Select(port => new PortKey(port.Protocol, port.Port)).Concat(undecided).ToHashSet();
        foreach (var protocol in new[] { Protocol.Tcp, Protocol.Udp })
        {
            if (requested(protocol) is not { } set)
            {
                return false;
            }

            undecided.AddRange(set.Ports().Select(port => new PortKey(protocol, port)).Where(key => !listed.Contains(key)));
        }

        return true;
    }

    /// <summary>Ports nmap grouped as &lt;extraports&gt;: counted, not listed; never open, so not open per the HostReport contract.</summary>
    public void AddExtraPorts(PortState state, int count) => counts = state switch
    {
        PortState.Closed => counts with { Closed = counts.Closed + count },
        PortState.Filtered => counts with { Filtered = counts.Filtered + count },
        _ => counts with { Other = counts.Other + count },
    };

    /// <summary>The host's observations then its report; <paramref name="state"/> is the parsed status.</summary>
    public IReadOnlyList<ScanRecord> ToRecords(HostState state, Func<IPAddress, string?>? hostNameOf)
    {
        var target = new ScanTarget(Address!, givenName ?? hostNameOf?.Invoke(Address!));
        var records = new List<ScanRecord>(ports.Count + 1);
        if (state == HostState.Up)
        {
            foreach (var (protocol, port, portState, reason, service, detail, guessed) in ports)
            {
                records.Add(new Observation(target, protocol, port, portState, reason) { Service = service, Detail = detail, ServiceGuessed = guessed });
            }
        }

        records.Add(new HostReport(target, state, StatusReason ?? "", state == HostState.Up ? counts : PortCounts.None)
        {
            MacAddress = MacAddress,
            MacVendor = MacVendor,
            HostNames = hostNames,
            Undecided = state == HostState.Up ? undecided : [],
        });
        return records;
    }
}
