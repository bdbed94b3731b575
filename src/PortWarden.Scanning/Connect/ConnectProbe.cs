using System.Net;
using System.Net.Sockets;

namespace PortWarden.Scanning.Connect;

/// <summary>One TCP connect() attempt with a deadline, classified by what the kernel reports.</summary>
internal static class ConnectProbe
{
    private static readonly LingerOption AbortOnClose = new(enable: true, seconds: 0);

    public static async Task<ConnectOutcome> RunAsync(
        IPEndPoint endpoint, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // An abortive close answers the target's SYN-ACK with a reset: no TIME_WAIT here, no half-open
        // connection left on the target.
        socket.LingerState = AbortOnClose;
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);

            // Probing a local port equal to the ephemeral source port the kernel picked connects the socket
            // to itself (TCP simultaneous open): that says nothing about a listener, so try again.
            return endpoint.Equals(socket.LocalEndPoint) ? ConnectOutcome.LocalShortage : ConnectOutcome.Accepted;
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ConnectOutcome.Silent;
        }
        catch (SocketException error)
        {
            return Classify(error.SocketErrorCode);
        }
    }

    internal static ConnectOutcome Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused or SocketError.ConnectionReset => ConnectOutcome.Refused,
        SocketError.HostUnreachable or SocketError.HostDown => ConnectOutcome.HostUnreachable,
        SocketError.NetworkUnreachable or SocketError.NetworkDown => ConnectOutcome.NetworkUnreachable,
        SocketError.AccessDenied => ConnectOutcome.Prohibited,
        SocketError.AddressNotAvailable or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
            or SocketError.TryAgain or SocketError.WouldBlock => ConnectOutcome.LocalShortage,
        _ => ConnectOutcome.Silent,
    };
}
