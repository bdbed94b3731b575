namespace PortWarden.Cli.Diff;

/// <summary>How `portwarden diff` writes its result.</summary>
internal enum DiffFormat
{
    Text,
    Json,
}
