namespace PortWarden.Core.Tracking;

/// <summary>What a device stands for: one host, a named network (an address spec), or the agent's own host (self-scan).</summary>
public enum DeviceKind
{
    Host,
    Network,
    Self,
}

public static class DeviceKindNames
{
    public static string ToWireName(this DeviceKind kind) => kind switch
    {
        DeviceKind.Host => "host",
        DeviceKind.Network => "network",
        DeviceKind.Self => "self",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static DeviceKind Parse(string text) => text switch
    {
        "host" => DeviceKind.Host,
        "network" => DeviceKind.Network,
        "self" => DeviceKind.Self,
        _ => throw new FormatException($"unknown device kind '{text}' (host, network or self)"),
    };
}
