using PortWarden.Scanning.Connect.Linux;
using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Udp.Linux;

/// <summary>
/// The Linux driver. It needs no privileges and no raw socket: one unconnected UDP socket per source address
/// with IP_RECVERR (IPV6_RECVERR) set, so the kernel queues every ICMP error for that socket with its exact type
/// and code, the address that sent it, and the destination and payload of the datagram it answers
/// (recvmsg(MSG_ERRQUEUE)). That tells port-unreachable (closed) from admin-prohibited or host-unreachable
/// (filtered), shows whether the target itself or a router answered, and matches canaries by their payload.
/// One socket per source, not per probe, keeps descriptors and system calls few, and also receives answers that
/// come from another port (TFTP). A single thread sends the rounds and multiplexes the sockets through epoll.
/// </summary>
internal sealed class RecvErrUdpDriver(TimeProvider time) : IUdpDriver
{
    private const int MaxWaitMs = 10;

    public Task RunAsync(UdpScheduler scheduler, ProbePacer pacer, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var loop = new Loop(scheduler, pacer, time);
                loop.Run(cancellationToken);
                finished.SetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                finished.SetCanceled(cancellationToken);
            }
            catch (Exception error)
            {
                finished.SetException(error);
            }
        })
        {
            IsBackground = true,
            Name = "portwarden-udp",
        };
        thread.Start();
        return finished.Task;
    }

    private sealed class Loop : IDisposable
    {
        private readonly UdpScheduler scheduler;
        private readonly ProbePacer pacer;
        private readonly TimeProvider time;
        private readonly int epoll;
        private readonly Dictionary<int, int> sockets = [];
        private readonly byte[] events = new byte[256 * LinuxSockets.EpollEventSize];
        private readonly byte[] buffer = new byte[65536];
        private readonly List<Action<long>> arrivals = [];
        private readonly List<(UdpProbe Probe, IcmpMeaning? Meaning)> failures = [];

        public Loop(UdpScheduler scheduler, ProbePacer pacer, TimeProvider time)
        {
            this.scheduler = scheduler;
            this.pacer = pacer;
            this.time = time;
            epoll = LinuxSockets.CreateEpoll();
        }

        public void Run(CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var now = time.GetTimestamp();
                List<ProbeRound> rounds;
                long? wake;
                lock (scheduler.Gate)
                {
                    scheduler.Expire(now);
                    if (scheduler.IsFinished)
                    {
                        return;
                    }

                    rounds = scheduler.NextRounds(now, pacer);
                    wake = scheduler.NextWakeAt(now);
                }

                Send(rounds);
                var ready = LinuxSockets.Wait(epoll, events, WaitMs(wake, rounds.Count > 0));
                if (ready < 0 && LinuxSockets.LastError != LinuxSockets.ErrInterrupted)
                {
                    throw new IOException($"epoll_wait failed (errno {LinuxSockets.LastError})");
                }

                for (var i = 0; i < ready; i++)
                {
                    var index = (int)LinuxSockets.EventData(events, i);
                    Drain(index, sockets[index]);
                }

                Deliver();
            }
        }

        public void Dispose()
        {
            foreach (var fd in sockets.Values)
            {
                LinuxSockets.Close(fd);
            }

            LinuxSockets.Close(epoll);
        }

        private void Send(List<ProbeRound> rounds)
        {
            foreach (var round in rounds)
            {
                var source = round.Host.Sources[round.SourceSlot];
                var fd = SocketFor(source);
                foreach (var probe in round.Probes)
                {
                    var error = SendOne(fd, probe);
                    if (error != 0)
                    {
                        failures.Add((probe, Meaning(error)));
                    }
                }
            }
        }

        /// <summary>
        /// Sends one datagram. An ICMP error queued on an unconnected socket also sets its pending error, which the
        /// next sendto reports (and clears) instead of sending: such an error is about an earlier datagram (ICMPv6
        /// admin-prohibited arrives as EACCES, for instance), so the send is repeated; an error that persists is
        /// about this one (no route, a local firewall).
        /// </summary>
        private static int SendOne(int fd, UdpProbe probe)
        {
            var error = 0;
            for (var attempt = 0; attempt < 4; attempt++)
            {
                error = UdpSockets.SendTo(fd, probe.Destination, probe.Payload);
                if (!IsPendingError(error) && error != UdpSockets.ErrInterrupted)
                {
                    return error;
                }
            }

            return error;
        }

        /// <summary>Errors a socket reports once for an earlier datagram's ICMP error (see icmp_err_convert / icmpv6_err_convert).</summary>
        private static bool IsPendingError(int errno) => errno is UdpSockets.ErrConnectionRefused or UdpSockets.ErrHostUnreachable
            or UdpSockets.ErrNetworkUnreachable or UdpSockets.ErrProtocol or UdpSockets.ErrAccess or UdpSockets.ErrPermission;

        private static IcmpMeaning? Meaning(int errno) => errno switch
        {
            UdpSockets.ErrHostUnreachable => IcmpMeaning.HostUnreachable,
            UdpSockets.ErrNetworkUnreachable => IcmpMeaning.NetworkUnreachable,
            UdpSockets.ErrPermission or UdpSockets.ErrAccess => IcmpMeaning.AdminProhibited,
            _ => null,
        };

        private int SocketFor(ProbeSource source)
        {
            if (!sockets.TryGetValue(source.Index, out var fd))
            {
                fd = UdpSockets.Open(source.Address, source.Family);
                var error = UdpSockets.Register(epoll, fd, source.Index);
                if (error != 0)
                {
                    LinuxSockets.Close(fd);
                    throw new IOException($"epoll_ctl failed (errno {error})");
                }

                sockets[source.Index] = fd;
            }

            return fd;
        }

        /// <summary>Reads everything queued on a socket: ICMP errors first, then datagrams.</summary>
        private void Drain(int index, int fd)
        {
            while (UdpSockets.ReceiveError(fd, buffer, out var queued))
            {
                if (!queued.IsIcmp || queued.Destination is not { } destination)
                {
                    continue;
                }

                var report = new IcmpReport(
                    IcmpReport.Classify(queued.IcmpFamily, queued.Type, queued.Code),
                    queued.Offender is { } offender && offender.Equals(destination.Address));
                var quoted = buffer[..Math.Max(0, queued.PayloadLength)];
                arrivals.Add(now => scheduler.OnIcmpError(index, destination, report, quoted, now));
            }

            // Bounded, so a flood of datagrams cannot starve the sending side of the loop.
            for (var read = 0; read < 4096; read++)
            {
                var length = UdpSockets.ReceiveFrom(fd, buffer, out var from, out var error);
                if (length < 0)
                {
                    // A pending error (already read from the queue above) is reported once more here; anything else ends the batch.
                    if (IsPendingError(error) || error == UdpSockets.ErrInterrupted)
                    {
                        continue;
                    }

                    break;
                }

                if (from is { } sender)
                {
                    var data = buffer[..length];
                    arrivals.Add(now => scheduler.OnDatagram(index, sender, data, now));
                }
            }
        }

        private void Deliver()
        {
            if (arrivals.Count == 0 && failures.Count == 0)
            {
                return;
            }

            var now = time.GetTimestamp();
            lock (scheduler.Gate)
            {
                foreach (var (probe, meaning) in failures)
                {
                    scheduler.OnSendFailed(probe, meaning, now);
                }

                foreach (var arrival in arrivals)
                {
                    arrival(now);
                }
            }

            failures.Clear();
            arrivals.Clear();
        }

        private int WaitMs(long? wake, bool sent)
        {
            if (wake is not { } at)
            {
                return sent ? 1 : MaxWaitMs;
            }

            var ms = (at - time.GetTimestamp()) * 1000 / time.TimestampFrequency;
            return (int)Math.Clamp(ms + 1, 0, MaxWaitMs);
        }
    }
}
