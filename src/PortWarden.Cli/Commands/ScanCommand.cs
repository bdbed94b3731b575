using System.CommandLine;
using PortWarden.Cli.Output;
using PortWarden.Core.Targets;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden scan`: a one-shot scan printed as a table, JSON, JSON Lines or CSV.</summary>
internal static class ScanCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var scan = new ScanOptionSet();
        var format = new Option<OutputFormat>("--format", "-f")
        {
            Description = "Output format: table, json (one document), jsonl (one object per line) or csv.",
            DefaultValueFactory = _ => OutputFormat.Table,
        };
        var output = new Option<string?>("--output", "-o") { Description = "Write the results to this file instead of standard output.", HelpName = "file" };
        var showClosed = new Option<bool>("--show-closed") { Description = "List closed and filtered ports too, not only open ones." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress bar on the terminal." };

        var command = new Command("scan",
            "Scan hosts and networks once and print which ports are open; with --engine local, list this machine's own listening ports and their processes.");
        scan.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(showClosed);
        command.Options.Add(noProgress);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("scan", streams, async () =>
        {
            var (engine, request) = await scan.BuildAsync(
                parse, time, new SystemHostResolver(), cancellationToken, message => streams.Error.WriteLine($"portwarden scan: warning: {message}")).ConfigureAwait(false);
            await using var sink = OutputSink.Open(parse.GetValue(output), streams.Out);
            var writer = ScanOutputs.Create(
                parse.GetValue(format), sink.Writer, terminal: !sink.IsFile && streams.OutIsTerminal, parse.GetValue(showClosed));
            var summary = new ScanSummary(engine.Name, time.GetUtcNow())
            {
                TcpPorts = request.TcpPorts,
                UdpPorts = request.UdpPorts,
                ServiceDetection = request.Options.ServiceDetection,
            };
            await writer.BeginAsync(summary, cancellationToken).ConfigureAwait(false);
            await TerminalProgress.RunAsync(streams, !parse.GetValue(noProgress), "scanning", async progress =>
            {
                await foreach (var record in engine.ScanAsync(request, progress, cancellationToken).ConfigureAwait(false))
                {
                    summary.Add(record);
                    await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            }).ConfigureAwait(false);
            summary.Finish(time.GetUtcNow());
            await writer.EndAsync(summary, cancellationToken).ConfigureAwait(false);
            await sink.CommitAsync().ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
