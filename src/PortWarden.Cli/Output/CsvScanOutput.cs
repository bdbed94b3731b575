using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>
/// RFC 4180 CSV, one row per shown port: address,hostname,protocol,port,state,service,reason, then the local
/// socket's bind_address,pid,process,process_path,user (empty for network scans).
/// </summary>
internal sealed class CsvScanOutput(TextWriter writer, bool showAll) : IScanOutput
{
    public Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken) =>
        writer.WriteLineAsync("address,hostname,protocol,port,state,service,reason,bind_address,pid,process,process_path,user".AsMemory(), cancellationToken);

    public async Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        if (record is not Observation observation || !observation.Shows(showAll))
        {
            return;
        }

        string?[] fields =
        [
            observation.Target.Address.ToString(), observation.Target.HostName, observation.Protocol.ToWireName(),
            observation.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), observation.State.ToWireName(),
            observation.Service, observation.Reason, observation.BindAddress?.ToString(),
            observation.Process?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), observation.Process?.Name,
            observation.Process?.ExecutablePath, observation.Process?.User,
        ];
        await writer.WriteLineAsync(string.Join(',', fields.Select(Csv.Escape)).AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    public Task EndAsync(ScanSummary summary, CancellationToken cancellationToken) => Task.CompletedTask;
}
