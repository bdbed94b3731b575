using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Udp;

/// <summary>
/// The portable driver: one connected <see cref="Socket"/> per probe, bound to the probe's source first. A
/// connected UDP socket is told of ICMP errors for its own datagrams as socket errors: port unreachable as
/// "connection refused" (closed), other unreachables as host or network unreachable (filtered). It cannot tell
/// admin-prohibited from host-unreachable, nor who sent the error, which the Linux driver can.
/// </summary>
[SuppressMessage("Reliability", "CA2000", Justification = "Each probe's socket is disposed by its receive task.")]
internal sealed class SocketUdpDriver(TimeProvider time) : IUdpDriver
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(2);

    public async Task RunAsync(UdpScheduler scheduler, ProbePacer pacer, CancellationToken cancellationToken)
    {
        var receivers = new List<Task>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = time.GetTimestamp();
            List<ProbeRound> rounds;
            lock (scheduler.Gate)
            {
                scheduler.Expire(now);
                if (scheduler.IsFinished)
                {
                    break;
                }

                rounds = scheduler.NextRounds(now, pacer);
            }

            foreach (var round in rounds)
            {
                var source = round.Host.Sources[round.SourceSlot];
                foreach (var probe in round.Probes)
                {
                    receivers.Add(ProbeAsync(scheduler, source, probe, cancellationToken));
                }
            }

            receivers.RemoveAll(task => task.IsCompleted);
            await Task.Delay(Tick, time, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(receivers).ConfigureAwait(false);
    }

    /// <summary>Sends the probe at once (so a round goes out back to back) and then waits for its answer until its deadline.</summary>
    private Task ProbeAsync(UdpScheduler scheduler, ProbeSource source, UdpProbe probe, CancellationToken cancellationToken)
    {
        var socket = new Socket(probe.Destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (source.Address is { } address)
            {
                socket.Bind(new IPEndPoint(address, 0));
            }

            socket.Connect(probe.Destination);
            socket.Send(probe.Payload);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            if (error.SocketErrorCode == SocketError.AddressNotAvailable)
            {
                throw new IOException($"cannot send from {source}: it is not an address of this machine", error);
            }

            Report(scheduler, now => scheduler.OnSendFailed(probe, Unreachable(error.SocketErrorCode), now));
            return Task.CompletedTask;
        }

        return ReceiveAsync(scheduler, source, probe, socket, cancellationToken);
    }

    private async Task ReceiveAsync(UdpScheduler scheduler, ProbeSource source, UdpProbe probe, Socket socket, CancellationToken cancellationToken)
    {
        using var _ = socket;
        var wait = TimeSpan.FromSeconds(Math.Max(0, probe.Deadline - time.GetTimestamp()) / (double)time.TimestampFrequency);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        var buffer = new byte[65536];
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var data = buffer[..length];
            Report(scheduler, now => scheduler.OnDatagram(source.Index, probe.Destination, data, now));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Silence until the deadline: the scheduler's own expiry decides what it means.
        }
        catch (SocketException error)
        {
            var meaning = IcmpReport.FromSocketError(error.SocketErrorCode);
            var report = new IcmpReport(meaning, FromTarget: meaning == IcmpMeaning.PortUnreachable);
            Report(scheduler, now => scheduler.OnIcmpError(source.Index, probe.Destination, report, probe.Payload, now));
        }
    }

    private void Report(UdpScheduler scheduler, Action<long> arrival)
    {
        var now = time.GetTimestamp();
        lock (scheduler.Gate)
        {
            arrival(now);
        }
    }

    private static IcmpMeaning? Unreachable(SocketError error) => IcmpReport.FromSocketError(error) switch
    {
        IcmpMeaning.Irrelevant or IcmpMeaning.PortUnreachable => null,
        var meaning => meaning,
    };
}
