namespace PortWarden.Scanning.Local;

/// <summary>A way of reading this host's socket table: the kernel's own tables, an OS API, or a tool's output.</summary>
internal interface ILocalSocketSource
{
    /// <summary>Short name for messages, e.g. "/proc/net" or "ss -tulpn".</summary>
    string Name { get; }

    /// <summary>
    /// The listening TCP and unconnected UDP sockets whose port is in <paramref name="ports"/>, with their owners
    /// where readable. Throws <see cref="LocalSourceUnavailableException"/> when this source cannot work here.
    /// </summary>
    IReadOnlyList<LocalSocket> Read(LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken);
}
