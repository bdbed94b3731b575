using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Connect;

namespace PortWarden.Scanning.Tests;

/// <summary>Builds scan requests from spec text and runs them to completion.</summary>
internal static class Scans
{
    public static async Task<ScanRequest> RequestAsync(string targets, string ports, ScanOptions? options = null)
    {
        var set = await TargetSet.ParseAsync(targets, null, allowLarge: false, new SystemHostResolver(), CancellationToken.None);
        return new ScanRequest(set, PortSpec.Parse(ports).For(Protocol.Tcp), PortSet.Empty, options ?? new ScanOptions());
    }

    public static async Task<ScanResult> ConnectAsync(
        string targets, string ports, ScanOptions? options = null, Driver driver = Driver.Native, CancellationToken cancellationToken = default)
    {
        var request = await RequestAsync(targets, ports, options);
        var records = await Engine(driver).ScanAsync(request, null, cancellationToken).ToListAsync(cancellationToken);
        return new ScanResult(records);
    }

    /// <summary>The connect engine with the driver under test: the platform's native one, or the portable socket one.</summary>
    public static ConnectEngine Engine(Driver driver) => driver == Driver.Native
        ? new ConnectEngine()
        : new ConnectEngine(TimeProvider.System, ServiceTable.Default, () => new SocketConnectDriver(TimeProvider.System));
}

public enum Driver
{
    Native,
    PortableSockets,
}

/// <summary>The records of a finished scan, with the views tests ask about.</summary>
internal sealed record ScanResult(IReadOnlyList<ScanRecord> Records)
{
    public IEnumerable<Observation> Ports => Records.OfType<Observation>();

    public IEnumerable<HostReport> Hosts => Records.OfType<HostReport>();

    public PortState StateOf(string address, int port) =>
        Ports.Single(o => o.Target.Address.ToString() == address && o.Port == port).State;

    public Observation Port(string address, int port) => Ports.Single(o => o.Target.Address.ToString() == address && o.Port == port);

    /// <summary>"address:port" of every open port, sorted.</summary>
    public IReadOnlyList<string> OpenPorts => Ports.Where(o => o.State == PortState.Open)
        .Select(o => $"{o.Target.Address}:{o.Port}").Order(StringComparer.Ordinal).ToList();
}
