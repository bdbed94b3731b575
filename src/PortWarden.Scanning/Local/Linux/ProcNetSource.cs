using PortWarden.Core.Ports;

namespace PortWarden.Scanning.Local.Linux;

/// <summary>
/// Linux's own socket tables: /proc/net/{tcp,tcp6,udp,udp6} (this network namespace), with owners found through
/// /proc/&lt;pid&gt;/fd. Reads the tables first and walks descriptors only for the inodes of wanted ports.
/// </summary>
internal sealed class ProcNetSource(string procRoot = "/proc") : ILocalSocketSource
{
    private static readonly (string File, Protocol Protocol, int State)[] Tables =
    [
        ("tcp", Protocol.Tcp, ProcNetTable.TcpListen),
        ("tcp6", Protocol.Tcp, ProcNetTable.TcpListen),
        ("udp", Protocol.Udp, ProcNetTable.UdpUnconnected),
        ("udp6", Protocol.Udp, ProcNetTable.UdpUnconnected),
    ];

    public string Name => "/proc/net";

    public IReadOnlyList<LocalSocket> Read(LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        var found = new List<KernelSocket>();
        foreach (var (file, protocol, state) in Tables)
        {
            if (ports.For(protocol).IsEmpty)
            {
                continue;
            }

            var path = Path.Combine(procRoot, "net", file);
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
                ProcNetTable.Read(stream, path, protocol, state, ports, found, warnings, BitConverter.IsLittleEndian);
            }
            catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException && file.EndsWith('6'))
            {
                // No IPv6 in this kernel or namespace: no IPv6 sockets.
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new LocalSourceUnavailableException($"cannot read {path}: {error.Message}", error);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        return SocketOwnership.Attach(found, procRoot, warnings, cancellationToken);
    }
}
