namespace PortWarden.Core.Scanning;

/// <summary>The program that owns a local socket, as far as the operating system lets us see it.</summary>
public sealed record OwningProcess(int Pid, string? Name, string? ExecutablePath = null, string? User = null);
