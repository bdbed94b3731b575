using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Windows;

/// <summary>Windows' socket tables through IP Helper (GetExtendedTcpTable/GetExtendedUdpTable), with process names.</summary>
internal sealed class IpHelperSource : ILocalSocketSource
{
    public string Name => "IP Helper";

    public IReadOnlyList<LocalSocket> Read(LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new LocalSourceUnavailableException("IP Helper exists on Windows only");
        }

        var found = new List<LocalSocket>();
        foreach (var protocol in new[] { Protocol.Tcp, Protocol.Udp })
        {
            if (ports.For(protocol).IsEmpty)
            {
                continue;
            }

            foreach (var ipv6 in new[] { false, true })
            {
                cancellationToken.ThrowIfCancellationRequested();
                IpHelperTables.Decode(Fetch(protocol, ipv6), protocol, ipv6, ports, found);
            }
        }

        var processes = new WindowsProcesses();
        return found.Select(socket => socket with { Process = processes.Describe(socket.Process!.Pid) }).ToList();
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static unsafe byte[] Fetch(Protocol protocol, bool ipv6)
    {
        var family = ipv6 ? IpHelper.AddressFamilyIPv6 : IpHelper.AddressFamilyIPv4;
        uint size = 0;
        var buffer = Array.Empty<byte>();

        // The table can grow between the call that sizes it and the call that fills it: ask again with the new size.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            uint result;
            fixed (byte* table = buffer)
            {
                result = protocol == Protocol.Tcp
                    ? IpHelper.GetExtendedTcpTable(buffer.Length == 0 ? null : table, ref size, false, family, IpHelper.TcpTableOwnerPidListener, 0)
                    : IpHelper.GetExtendedUdpTable(buffer.Length == 0 ? null : table, ref size, false, family, IpHelper.UdpTableOwnerPid, 0);
            }

            if (result == IpHelper.NoError && buffer.Length > 0)
            {
                return buffer.AsSpan(0, (int)Math.Min(size, (uint)buffer.Length)).ToArray();
            }

            if (result is not (IpHelper.ErrorInsufficientBuffer or IpHelper.NoError))
            {
                throw new LocalSourceUnavailableException($"{(protocol == Protocol.Tcp ? "GetExtendedTcpTable" : "GetExtendedUdpTable")} failed with error {result}");
            }

            buffer = new byte[Math.Max(size, 4) + 4096];
            size = (uint)buffer.Length;
        }

        throw new LocalSourceUnavailableException("the IP Helper socket table kept growing while it was read");
    }
}
