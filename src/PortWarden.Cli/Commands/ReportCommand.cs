using System.CommandLine;
using PortWarden.Alerts.Reports;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden report`: the auditor's report — baselines, changes, expected-state violations, poll coverage — as HTML, PDF, CSV or JSON.</summary>
internal static class ReportCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var devices = new Option<string[]>("--device") { Description = "Report on this device (repeat for several).", HelpName = "name" };
        var all = new Option<bool>("--all") { Description = "Report on every device." };
        var from = new Option<string>("--from") { Description = "Start of the period (ISO 8601, '30d ago', ...).", DefaultValueFactory = _ => "-30d", HelpName = "time" };
        var to = new Option<string>("--to") { Description = "End of the period.", DefaultValueFactory = _ => "now", HelpName = "time" };
        var format = new Option<string>("--format", "-f") { Description = "html (default), pdf, csv or json.", DefaultValueFactory = _ => "html", HelpName = "format" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (replaced only when the report is complete); PDF needs it.", HelpName = "file" };
        var command = new Command("report", "Write a report: current baselines, changes in a period (planned/unplanned), expected-state violations and poll coverage.");
        foreach (var option in new Option[] { devices, all, from, to, format, output })
        {
            command.Options.Add(option);
        }

        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("report", streams, async () =>
        {
            var names = parse.GetValue(devices) ?? [];
            if ((names.Length == 0) == !parse.GetValue(all))
            {
                throw new UsageException("give --device NAME (one or more) or --all");
            }

            if (!ReportFormats.TryParse(parse.GetValue(format), out var reportFormat))
            {
                throw new UsageException($"--format '{parse.GetValue(format)}' is not {string.Join(", ", ReportFormats.Names)}");
            }

            var path = parse.GetValue(output);
            if (reportFormat == ReportFormat.Pdf && path is null or "-" && streams.OutIsTerminal)
            {
                throw new UsageException("a PDF report goes to a file: add -o report.pdf");
            }

            var now = time.GetUtcNow();
            var start = TimeExpression.Parse(parse.GetValue(from)!, now, "--from");
            var end = TimeExpression.Parse(parse.GetValue(to)!, now, "--to");
            if (end < start)
            {
                throw new UsageException("--to is before --from");
            }

            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var report = await ReportBuilder.BuildAsync(db, names.Length == 0 ? null : names, start, end, now, cancellationToken).ConfigureAwait(false);
            if (path is null or "-")
            {
                await streams.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (reportFormat == ReportFormat.Pdf)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await ReportFormats.WriteAsync(report, reportFormat, stdout, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    using var buffer = new MemoryStream();
                    await ReportFormats.WriteAsync(report, reportFormat, buffer, cancellationToken).ConfigureAwait(false);
                    await streams.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()).AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            var full = Path.GetFullPath(path);
            var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
            try
            {
                await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
                {
                    await ReportFormats.WriteAsync(report, reportFormat, file, cancellationToken).ConfigureAwait(false);
                }

                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            await streams.Error.WriteLineAsync(
                $"wrote the report of {report.Devices.Count} device(s), {report.Devices.Sum(d => d.Changes.Count)} change(s), {report.Devices.Sum(d => d.Violations.Count)} violation(s) to {path}")
                .ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
