namespace PortWarden.Core.Tracking;

/// <summary>How a tracker scans: the agent's own host (self-scan), one remote host, or a network range.</summary>
public enum TrackerMode
{
    Remote,
    Network,
    Self,
}

public static class TrackerModeNames
{
    public static string ToWireName(this TrackerMode mode) => mode switch
    {
        TrackerMode.Remote => "remote",
        TrackerMode.Network => "network",
        TrackerMode.Self => "self",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(string? text, out TrackerMode mode)
    {
        foreach (var candidate in Enum.GetValues<TrackerMode>())
        {
            if (string.Equals(candidate.ToWireName(), text, StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = default;
        return false;
    }
}
