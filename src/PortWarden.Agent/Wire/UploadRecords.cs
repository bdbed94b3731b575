using System.Net;
using PortWarden.Core;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;

namespace PortWarden.Agent.Wire;

/// <summary>Reads an upload back as the scan records it was built from, checking every field; bad input throws <see cref="UploadException"/> naming the field.</summary>
public static class UploadRecords
{
    public static (PortSet Tcp, PortSet Udp) RequestedPorts(PollUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return (Ports(upload.TcpPorts, "tcpPorts", Protocol.Tcp), Ports(upload.UdpPorts, "udpPorts", Protocol.Udp));
    }

    public static IEnumerable<ScanRecord> ToRecords(PollUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        for (var h = 0; h < upload.Hosts.Count; h++)
        {
            var host = upload.Hosts[h];
            var field = $"hosts[{h}]";
            if (!IPAddress.TryParse(host.Address, out var address))
            {
                throw new UploadException($"{field}.address", $"'{host.Address}' is not an IP address");
            }

            var target = new ScanTarget(address, host.HostName);
            for (var p = 0; p < host.OpenPorts.Count; p++)
            {
                var port = host.OpenPorts[p];
                var portField = $"{field}.openPorts[{p}]";
                yield return new Observation(target, ParseProtocol(port.Protocol, $"{portField}.protocol"), PortNumber(port.Port, $"{portField}.port"), PortState.Open, port.Reason)
                {
                    Service = port.Service,
                    ServiceGuessed = port.ServiceGuessed == true,
                    Detail = port.Detail,
                    Process = port.Process,
                    BindAddress = port.BindAddress is null ? null
                        : IPAddress.TryParse(port.BindAddress, out var bind) ? bind
                        : throw new UploadException($"{portField}.bindAddress", $"'{port.BindAddress}' is not an IP address"),
                };
            }

            for (var g = 0; g < host.OtherPorts.Count; g++)
            {
                var group = host.OtherPorts[g];
                if (!PortStateNames.TryParse(group.State, out var state) || state is PortState.Open or PortState.Closed)
                {
                    throw new UploadException($"{field}.otherPorts[{g}].state", $"'{group.State}' is not a state other than open or closed");
                }

                foreach (var key in Keys(group.Ports, $"{field}.otherPorts[{g}].ports"))
                {
                    yield return new Observation(target, key.Protocol, key.Port, state, group.Reason);
                }
            }

            var hostState = host.State switch
            {
                "up" => HostState.Up,
                "down" => HostState.Down,
                _ => throw new UploadException($"{field}.state", $"'{host.State}' is neither up nor down"),
            };
            yield return new HostReport(target, hostState, host.Reason, new PortCounts(host.Open, host.Closed, host.Filtered))
            {
                Undecided = host.Undecided is null ? [] : Keys(host.Undecided, $"{field}.undecided").ToList(),
            };
        }
    }

    private static IEnumerable<PortKey> Keys(string text, string field)
    {
        var spec = Spec(text, field);
        return spec.For(Protocol.Tcp).Ports().Select(port => new PortKey(Protocol.Tcp, port))
            .Concat(spec.For(Protocol.Udp).Ports().Select(port => new PortKey(Protocol.Udp, port)));
    }

    private static PortSet Ports(string text, string field, Protocol protocol) =>
        string.IsNullOrEmpty(text) ? PortSet.Empty : Spec(text, field).For(protocol);

    private static PortSpec Spec(string text, string field)
    {
        try
        {
            return PortSpec.Parse(text);
        }
        catch (SpecFormatException error)
        {
            throw new UploadException(field, error.Message);
        }
    }

    private static Protocol ParseProtocol(string text, string field) =>
        ProtocolNames.TryParse(text, out var protocol) ? protocol : throw new UploadException(field, $"'{text}' is neither tcp nor udp");

    private static int PortNumber(int port, string field) =>
        port is >= PortRange.MinPort and <= PortRange.MaxPort ? port : throw new UploadException(field, $"{port} is not a port (1-65535)");
}

/// <summary>An upload with a field that cannot be right.</summary>
public sealed class UploadException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}
