using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Connect;
using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning;

/// <summary>The engines users can pick by name.</summary>
public static class ScanEngines
{
    /// <summary>Names of the available engines, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["connect", "udp"];

    /// <summary>Creates the engine called <paramref name="name"/>, or returns null for an unknown name.</summary>
    public static IScanEngine? Create(string name, TimeProvider time, ServiceTable services) => name.ToUpperInvariant() switch
    {
        "CONNECT" => new ConnectEngine(time, services),
        "UDP" => new UdpEngine(time, services),
        _ => null,
    };
}
