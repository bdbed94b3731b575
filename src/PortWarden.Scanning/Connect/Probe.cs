namespace PortWarden.Scanning.Connect;

/// <summary>One attempt to be made: a port of a host, which try it is, and whether it only serves host discovery.</summary>
internal sealed record Probe(HostRun Host, int Port, int Attempt, bool Discovery);
