using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>One output format of the scan command: told when the scan starts, of each record, and when it ends.</summary>
internal interface IScanOutput
{
    Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken);

    Task WriteAsync(ScanRecord record, CancellationToken cancellationToken);

    Task EndAsync(ScanSummary summary, CancellationToken cancellationToken);
}
