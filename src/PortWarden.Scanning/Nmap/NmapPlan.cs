namespace PortWarden.Scanning.Nmap;

/// <summary>What the nmap engine will run for a request: the executable and one argument vector per address family.</summary>
/// <param name="Executable">Full path of the nmap to run.</param>
/// <param name="Invocations">One nmap run per address family, IPv4 first.</param>
/// <param name="TargetsOverlap">Some address is named by two target entries: nmap would scan it twice, so the engine reports it once.</param>
public sealed record NmapPlan(string Executable, IReadOnlyList<NmapInvocation> Invocations, bool TargetsOverlap);
