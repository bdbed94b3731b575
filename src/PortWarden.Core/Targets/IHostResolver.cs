using System.Net;

namespace PortWarden.Core.Targets;

/// <summary>Turns host names into addresses.</summary>
public interface IHostResolver
{
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken);
}

/// <summary>The operating system's resolver (hosts file, DNS).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string hostName, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(hostName, cancellationToken).ConfigureAwait(false);
}
