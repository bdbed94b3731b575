using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Linux's socket tables through netlink sock_diag, as ss reads them: the kernel filters by state (TCP LISTEN,
/// UDP unconnected) and sends binary records, several times faster than formatting and parsing /proc/net for
/// large tables. Owners are found through /proc/&lt;pid&gt;/fd like for /proc/net.
/// </summary>
internal sealed class SockDiagSource(string procRoot = "/proc") : ILocalSocketSource
{
    private const int TcpListen = 10;
    private const int UdpUnconnected = 7;

    public string Name => "netlink sock_diag";

    public IReadOnlyList<LocalSocket> Read(LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new LocalSourceUnavailableException("netlink exists on Linux only");
        }

        var found = new List<KernelSocket>();
        foreach (var protocol in new[] { Protocol.Tcp, Protocol.Udp })
        {
            if (ports.For(protocol).IsEmpty)
            {
                continue;
            }

            foreach (var family in new[] { SockDiagMessages.FamilyIPv4, SockDiagMessages.FamilyIPv6 })
            {
                cancellationToken.ThrowIfCancellationRequested();
                Dump(protocol, family, protocol == Protocol.Tcp ? TcpListen : UdpUnconnected, ports, found);
            }
        }

        return SocketOwnership.Attach(found, procRoot, warnings, cancellationToken);
    }

    private static unsafe void Dump(Protocol protocol, byte family, int state, LocalPortFilter ports, List<KernelSocket> found)
    {
        var socket = Netlink.Socket(Netlink.AddressFamilyNetlink, Netlink.SocketRaw | Netlink.SocketCloseOnExec, Netlink.ProtocolSockDiag);
        if (socket < 0)
        {
            throw new LocalSourceUnavailableException($"cannot open a sock_diag socket: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(Netlink.LastError)}");
        }

        try
        {
            Span<byte> request = stackalloc byte[SockDiagMessages.RequestSize];
            SockDiagMessages.WriteRequest(request, protocol, family, state, sequence: 1);
            Span<byte> kernel = stackalloc byte[12];
            kernel.Clear();
            kernel[0] = Netlink.AddressFamilyNetlink;
            fixed (byte* message = request)
            fixed (byte* address = kernel)
            {
                if (Netlink.SendTo(socket, message, (nuint)request.Length, 0, address, kernel.Length) < 0)
                {
                    throw new LocalSourceUnavailableException($"cannot send a sock_diag request: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(Netlink.LastError)}");
                }
            }

            var buffer = new byte[64 * 1024];
            while (true)
            {
                nint received;
                fixed (byte* pointer = buffer)
                {
                    received = Netlink.Receive(socket, pointer, (nuint)buffer.Length, 0);
                }

                if (received <= 0)
                {
                    const int Interrupted = 4;
                    if (received < 0 && Netlink.LastError == Interrupted)
                    {
                        continue;
                    }

                    throw new LocalSourceUnavailableException("the sock_diag dump ended without its final message");
                }

                if (SockDiagMessages.Parse(buffer.AsSpan(0, (int)received), protocol, ports, found))
                {
                    return;
                }
            }
        }
        catch (FormatException error)
        {
            throw new LocalSourceUnavailableException($"the sock_diag dump was malformed: {error.Message}", error);
        }
        catch (SockDiagException error)
        {
            // ENOENT: no diag module for this protocol (udp_diag not built or not loadable); ss would fail too.
            throw new LocalSourceUnavailableException($"{protocol.ToWireName()} over IPv{(family == SockDiagMessages.FamilyIPv4 ? 4 : 6)}: {error.Message}", error);
        }
        finally
        {
            _ = Netlink.Close(socket);
        }
    }
}
