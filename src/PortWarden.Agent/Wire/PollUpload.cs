using PortWarden.Core.Scanning;

namespace PortWarden.Agent.Wire;

/// <summary>
/// One poll's results as an agent sends them. The poll id is the idempotency key: sending it again records
/// nothing twice. Only open ports are listed one by one; other decided states come as port ranges per
/// (state, reason), and every requested port not listed is closed.
/// </summary>
public sealed record PollUpload(
    Guid PollId,
    long TrackerId,
    long? ShardId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string Engine,
    string? Error,
    string TcpPorts,
    string UdpPorts,
    IReadOnlyList<HostUpload> Hosts);

/// <summary>One finished host of a poll.</summary>
public sealed record HostUpload(
    string Address,
    string? HostName,
    string State,
    string Reason,
    int Open,
    int Closed,
    int Filtered,
    IReadOnlyList<PortUpload> OpenPorts,
    IReadOnlyList<PortGroupUpload> OtherPorts,
    string? Undecided);

/// <summary>An open port with what is known about it; <paramref name="ServiceGuessed"/> true when the service name is only a port-table guess (absent: identified or unknown).</summary>
public sealed record PortUpload(string Protocol, int Port, string Reason, string? Service, ServiceDetail? Detail, OwningProcess? Process, string? BindAddress, bool? ServiceGuessed = null);

/// <summary>Ports (nmap-style ranges with T:/U: prefixes) that ended in one state for one reason.</summary>
public sealed record PortGroupUpload(string State, string Reason, string Ports);

/// <summary>What the hub did with an upload.</summary>
public sealed record UploadReceipt(bool Recorded, string Status);
