using System.Globalization;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using Spectre.Console;

namespace PortWarden.Cli.Output;

/// <summary>A human-readable table of the shown ports of every host that is up, sorted by address and port, then a summary line.</summary>
internal sealed class TableScanOutput(TextWriter writer, bool terminal, bool showAll) : IScanOutput
{
    private readonly HostBuffer hosts = new(showAll);
    private readonly List<(HostReport Host, IReadOnlyList<Observation> Ports)> finished = [];

    public Task BeginAsync(ScanSummary summary, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteAsync(ScanRecord record, CancellationToken cancellationToken)
    {
        if (hosts.Add(record) is { } ports && record is HostReport { State: HostState.Up } report)
        {
            finished.Add((report, ports));
        }

        return Task.CompletedTask;
    }

    public async Task EndAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        var console = Consoles.For(writer, terminal);

        var rows = finished
            .OrderBy(host => host.Host.Target.Address, AddressComparer.Instance)
            .SelectMany(host => host.Ports.Select(port => (host.Host, Port: port)))
            .ToList();
        if (rows.Count > 0)
        {
            // Extra columns only when some row has something for them: VERSION when the engine identified
            // services (nmap -sV); BIND and PROCESS for self-scans, which know each port's address and owner.
            var versions = rows.Any(row => row.Port.Detail is not null);
            var local = rows.Any(row => row.Port.BindAddress is not null || row.Port.Process is not null);
            var table = new Table().Border(TableBorder.Simple).AddColumns("HOST", "PORT", "STATE", "SERVICE");
            table.AddColumns(versions ? ["VERSION", "REASON"] : ["REASON"]);
            if (local)
            {
                table.AddColumns("BIND", "PROCESS");
            }

            foreach (var (host, port) in rows)
            {
                string[] cells =
                [
                    Markup.Escape(HostCell(host.Target, port)),
                    $"{port.Port.ToString(CultureInfo.InvariantCulture)}/{port.Protocol.ToWireName()}",
                    StateMarkup(port.State),
                    Markup.Escape(port.Service ?? "unknown"),
                    .. versions ? [Markup.Escape(Version(port.Detail))] : Array.Empty<string>(),
                    Markup.Escape(port.Reason),
                ];
                table.AddRow(local ? [.. cells, Markup.Escape(port.BindAddress?.ToString() ?? "-"), Markup.Escape(ProcessCell(port.Process))] : cells);
            }

            console.Write(table);
        }
        else
        {
            console.WriteLine(showAll ? "No ports to show." : "No open ports found.");
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.HostsUp + summary.HostsDown} host(s) scanned: {summary.HostsUp} up, {summary.HostsDown} down; " +
            $"{summary.Ports.Open} open, {summary.Ports.Closed} closed, {summary.Ports.Filtered} filtered port(s) " +
            $"in {summary.Duration.TotalSeconds:0.00} s ({summary.Engine})."));
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Version(ServiceDetail? detail) => detail is null
        ? ""
        : string.Join(' ', new[] { detail.Product, detail.Version, detail.ExtraInfo is null ? null : $"({detail.ExtraInfo})" }.Where(part => !string.IsNullOrEmpty(part)));

    /// <summary>The host; just its name when the BIND column already shows the address it was found on.</summary>
    private static string HostCell(ScanTarget target, Observation port) =>
        target.HostName is { } name && target.Address.Equals(port.BindAddress) ? name : target.ToString();

    /// <summary>"name/pid", "pid" when the name could not be read, "-" when the owner is unknown.</summary>
    private static string ProcessCell(OwningProcess? process) => process switch
    {
        null => "-",
        { Name: null } => process.Pid.ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{process.Name}/{process.Pid}"),
    };

    private static string StateMarkup(PortState state) => state switch
    {
        PortState.Open => "[green]open[/]",
        PortState.Closed => "[grey]closed[/]",
        _ => $"[yellow]{Markup.Escape(state.ToWireName())}[/]",
    };
}
