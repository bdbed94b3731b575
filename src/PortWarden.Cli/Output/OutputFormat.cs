namespace PortWarden.Cli.Output;

/// <summary>How scan results are written.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Jsonl,
    Csv,
}
