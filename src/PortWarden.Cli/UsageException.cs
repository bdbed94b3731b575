namespace PortWarden.Cli;

/// <summary>The command line asks for something that cannot be done; the message says what and why.</summary>
internal sealed class UsageException(string message) : Exception(message);
