using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Local;

namespace PortWarden.Scanning;

/// <summary>
/// Which engine scans which ports of a port spec. The CLI and agents plan the same way, so a tracker polls
/// alike wherever it runs.
/// </summary>
public sealed record ScanPlan(IScanEngine Engine, PortSet Tcp, PortSet Udp)
{
    /// <summary>The name of connect and udp scanning side by side, which trackers store for specs with both protocols.</summary>
    public const string Combined = "connect+udp";

    /// <summary>Whether <paramref name="engineName"/> names an engine (or the combined one) that <see cref="Choose"/> accepts.</summary>
    public static bool Knows(string engineName) =>
        ScanEngines.Names.Contains(engineName, StringComparer.OrdinalIgnoreCase) || string.Equals(engineName, Combined, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The engine called <paramref name="engineName"/> (which must suit the ports), or when it is null (or the combined
    /// name "connect+udp") connect for TCP and udp for UDP, combined when both are scanned. UDP is scanned only when an
    /// explicit spec names UDP ports, or by the udp and local engines. Throws <see cref="ScanEngineException"/> naming
    /// what does not fit.
    /// </summary>
    public static ScanPlan Choose(string? engineName, PortSpec ports, bool explicitSpec, TimeProvider time, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var services = ServiceTable.Default;
        var namesUdp = explicitSpec && ports.NamesExplicitly(Protocol.Udp);
        switch (engineName?.ToUpperInvariant())
        {
            case "CONNECT":
                if (namesUdp)
                {
                    throw new ScanEngineException("the connect engine scans TCP only: remove the U: ports, or leave out the engine to scan them with the udp engine");
                }

                return NotEmpty(Create("connect"), ports.For(Protocol.Tcp), PortSet.Empty, ports, "TCP ports left to scan");
            case "UDP":
                if (explicitSpec && ports.NamesExplicitly(Protocol.Tcp))
                {
                    throw new ScanEngineException("the udp engine scans UDP only: remove the T: ports, or leave out the engine to scan them with the connect engine");
                }

                return NotEmpty(Create("udp"), PortSet.Empty, ports.For(Protocol.Udp), ports, "UDP ports left to scan");
            case "NMAP":
                return NotEmpty(Create("nmap"), ports.For(Protocol.Tcp), namesUdp ? ports.For(Protocol.Udp) : PortSet.Empty, ports, "ports left to scan");
            case "LOCAL":
                return NotEmpty(Create(LocalEngine.EngineName), ports.For(Protocol.Tcp), ports.For(Protocol.Udp), ports, "ports left to report");
            case null or "CONNECT+UDP":
                break;
            default:
                throw new ScanEngineException($"there is no engine '{engineName}' (available: {string.Join(", ", ScanEngines.Names)})");
        }

        var tcp = ports.For(Protocol.Tcp);
        var udp = namesUdp ? ports.For(Protocol.Udp) : PortSet.Empty;
        if (udp.IsEmpty)
        {
            return NotEmpty(Create("connect"), tcp, udp, ports, "TCP ports left to scan");
        }

        return tcp.IsEmpty ? new ScanPlan(Create("udp"), tcp, udp) : new ScanPlan(new CombinedScanEngine(Create("connect"), Create("udp")), tcp, udp);

        IScanEngine Create(string engine) => ScanEngines.Create(engine, time, services, warn)!;
    }

    private static ScanPlan NotEmpty(IScanEngine engine, PortSet tcp, PortSet udp, PortSpec ports, string what) =>
        tcp.IsEmpty && udp.IsEmpty ? throw new ScanEngineException($"no {what} in '{ports}'") : new ScanPlan(engine, tcp, udp);
}
