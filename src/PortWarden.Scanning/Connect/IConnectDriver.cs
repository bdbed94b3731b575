using PortWarden.Scanning.Timing;

namespace PortWarden.Scanning.Connect;

/// <summary>Performs the connect attempts a <see cref="ConnectScheduler"/> hands out, until it has none left.</summary>
internal interface IConnectDriver
{
    Task RunAsync(ConnectScheduler scheduler, RecordQueue output, ProbePacer pacer, int concurrency, CancellationToken cancellationToken);
}
