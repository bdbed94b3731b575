namespace PortWarden.Core.Scanning;

/// <summary>Whether a host answered the scan at all.</summary>
public enum HostState
{
    Up,
    Down,
}

public static class HostStateNames
{
    public static string ToWireName(this HostState state) => state == HostState.Up ? "up" : "down";
}
