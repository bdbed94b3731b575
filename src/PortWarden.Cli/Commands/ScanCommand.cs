using System.CommandLine;
using PortWarden.Cli.Output;
using PortWarden.Core.Scanning;
using PortWarden.Core.Targets;
using PortWarden.Scanning.Checkpoints;
using PortWarden.Scanning.Local;

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
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Record the scan's progress in this file as it goes, so that an interrupted scan can be resumed with --resume.",
            HelpName = "file",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the interrupted scan recorded in this checkpoint (targets and ports come from it) and keep recording " +
                "in it; the result is the same as an uninterrupted scan's.",
            HelpName = "file",
        };

        var command = new Command("scan",
            "Scan hosts and networks once and print which ports are open; with --engine local, list this machine's own listening ports and their processes.");
        scan.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(showClosed);
        command.Options.Add(noProgress);
        command.Options.Add(checkpoint);
        command.Options.Add(resume);
        command.Validators.Add(result =>
        {
            if (result.GetValue(resume) is not null && result.GetValue(checkpoint) is not null)
            {
                result.AddError("--resume keeps recording in the checkpoint it resumes; do not combine it with --checkpoint.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("scan", streams, async () =>
        {
            var resumePath = parse.GetValue(resume);
            var previous = resumePath is null ? null : Checkpoint.Read(resumePath);
            var (engine, request, definition) = await scan.BuildAsync(
                parse, time, new SystemHostResolver(), cancellationToken, message => streams.Error.WriteLine($"portwarden scan: warning: {message}"),
                resuming: previous?.Definition).ConfigureAwait(false);
            var checkpointPath = resumePath ?? parse.GetValue(checkpoint);
            if (checkpointPath is not null && engine.Name == LocalEngine.EngineName)
            {
                throw new UsageException($"the {LocalEngine.EngineName} engine reads the socket table at once; there is nothing to checkpoint");
            }

            await using var recorder = checkpointPath is null
                ? null
                : await CheckpointWriter.CreateAsync(checkpointPath, definition, previous, time, cancellationToken).ConfigureAwait(false);
            IScanEngine scanner = recorder is null ? engine : new CheckpointedScanEngine(engine, previous ?? Checkpoint.Empty(definition), recorder);
            await using var sink = OutputSink.Open(parse.GetValue(output), streams.Out);
            var writer = ScanOutputs.Create(
                parse.GetValue(format), sink.Writer, terminal: !sink.IsFile && streams.OutIsTerminal, parse.GetValue(showClosed));
            var summary = new ScanSummary(scanner.Name, time.GetUtcNow())
            {
                TcpPorts = request.TcpPorts,
                UdpPorts = request.UdpPorts,
                ServiceDetection = request.Options.ServiceDetection,
            };
            await writer.BeginAsync(summary, cancellationToken).ConfigureAwait(false);
            await TerminalProgress.RunAsync(streams, !parse.GetValue(noProgress), "scanning", async progress =>
            {
                await foreach (var record in scanner.ScanAsync(request, progress, cancellationToken).ConfigureAwait(false))
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
