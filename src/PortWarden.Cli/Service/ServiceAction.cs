namespace PortWarden.Cli.Service;

/// <summary>One step of installing or removing a service; --dry-run prints the steps instead of taking them.</summary>
internal abstract record ServiceAction
{
    /// <summary>What the step does, as --dry-run prints it.</summary>
    public abstract string Describe();
}

/// <summary>Writes a file (creating its directory); with <see cref="KeepExisting"/>, only when there is none yet.</summary>
internal sealed record WriteFileAction(string Path, string Content, bool KeepExisting = false, UnixFileMode? Mode = null) : ServiceAction
{
    public override string Describe() =>
        $"write {Path}{(KeepExisting ? " (unless it exists)" : "")}:\n" + string.Concat(Content.TrimEnd('\n').Split('\n').Select(line => "    " + line + "\n")).TrimEnd('\n');
}

/// <summary>Deletes a file if it is there.</summary>
internal sealed record DeleteFileAction(string Path) : ServiceAction
{
    public override string Describe() => $"delete {Path}";
}

/// <summary>Runs a program with arguments (never through a shell); with <see cref="Unless"/>, only when that check program fails.</summary>
internal sealed record RunAction(string Program, IReadOnlyList<string> Arguments, bool IgnoreFailure = false, RunAction? Unless = null) : ServiceAction
{
    public override string Describe() =>
        (Unless is null ? "" : $"unless '{Unless.CommandLine}' succeeds, ") + $"run: {CommandLine}" + (IgnoreFailure ? " (a failure is ignored)" : "");

    public string CommandLine => string.Join(' ', new[] { Program }.Concat(Arguments).Select(word =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c == '"') ? word : "\"" + word.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
}

/// <summary>Creates a directory (and its parents) if it is not there.</summary>
internal sealed record CreateDirectoryAction(string Path) : ServiceAction
{
    public override string Describe() => $"create directory {Path}";
}
