using System.Net;
using System.Net.Sockets;

namespace PortWarden.Cli.Commands;

/// <summary>
/// Says in one line that a hub address is taken, before the web server starts and logs a page of stack trace for
/// the same thing. Only literal addresses, localhost and the wildcards are checked; anything else is left to Kestrel.
/// </summary>
internal static class ListenCheck
{
    public static void EnsureFree(IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                continue;
            }

            var address = uri.IsLoopback && uri.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed
                : null;
            if (address is null || uri.Port <= 0)
            {
                continue;
            }

            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, uri.Port));
            }
            catch (SocketException error) when (error.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new UsageException($"cannot listen on {url}: port {uri.Port} is already in use (another hub or program); choose another with --urls");
            }
            catch (SocketException error) when (error.SocketErrorCode is SocketError.AccessDenied or SocketError.AddressNotAvailable)
            {
                throw new UsageException($"cannot listen on {url}: {error.Message}");
            }
        }
    }
}
