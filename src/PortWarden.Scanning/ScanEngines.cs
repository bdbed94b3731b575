using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Connect;
using PortWarden.Scanning.Local;
using PortWarden.Scanning.Nmap;
using PortWarden.Scanning.Udp;

namespace PortWarden.Scanning;

/// <summary>The engines users can pick by name.</summary>
public static class ScanEngines
{
    /// <summary>Names of the available engines, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["connect", "udp", "nmap", LocalEngine.EngineName];

    /// <summary>
    /// Creates the engine called <paramref name="name"/>, or returns null for an unknown name. <paramref name="warn"/>
    /// is told of problems that do not stop a scan.
    /// </summary>
    public static IScanEngine? Create(string name, TimeProvider time, ServiceTable services, Action<string>? warn = null) => name.ToUpperInvariant() switch
    {
        "CONNECT" => new ConnectEngine(time, services),
        "NMAP" => new NmapEngine(time, NmapLocator.ForThisMachine()),
        "LOCAL" => new LocalEngine(time, services, warn),
        "UDP" => new UdpEngine(time, services),
        _ => null,
    };
}
