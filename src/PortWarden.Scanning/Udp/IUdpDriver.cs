using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Udp;

/// <summary>Sends the rounds a <see cref="UdpScheduler"/> hands out and reports back what arrives, until the scan is finished.</summary>
internal interface IUdpDriver
{
    Task RunAsync(UdpScheduler scheduler, ProbePacer pacer, CancellationToken cancellationToken);
}
