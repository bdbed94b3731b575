using PortWarden.Core.Scanning;

namespace PortWarden.Cli.Output;

/// <summary>Creates the writer of a format.</summary>
internal static class ScanOutputs
{
    public static IScanOutput Create(OutputFormat format, TextWriter writer, bool terminal, bool showAll) => format switch
    {
        OutputFormat.Table => new TableScanOutput(writer, terminal, showAll),
        OutputFormat.Json => new JsonScanOutput(writer, showAll),
        OutputFormat.Jsonl => new JsonLinesScanOutput(writer, showAll),
        OutputFormat.Csv => new CsvScanOutput(writer, showAll),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Whether a port belongs in the output: open ones always, the rest when the user asked for everything.</summary>
    public static bool Shows(this Observation observation, bool showAll) => showAll || observation.State == PortState.Open;
}
