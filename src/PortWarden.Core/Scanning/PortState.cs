namespace PortWarden.Core.Scanning;

/// <summary>What a scan concluded about a port; the same states nmap uses.</summary>
public enum PortState
{
    Open,
    Closed,
    Filtered,
    Unfiltered,
    OpenFiltered,
    ClosedFiltered,
}

/// <summary>Wire names of <see cref="PortState"/>: "open", "closed", "filtered", "unfiltered", "open|filtered", "closed|filtered".</summary>
public static class PortStateNames
{
    public static string ToWireName(this PortState state) => state switch
    {
        PortState.Open => "open",
        PortState.Closed => "closed",
        PortState.Filtered => "filtered",
        PortState.Unfiltered => "unfiltered",
        PortState.OpenFiltered => "open|filtered",
        PortState.ClosedFiltered => "closed|filtered",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? text, out PortState state)
    {
        foreach (var candidate in Enum.GetValues<PortState>())
        {
            if (string.Equals(candidate.ToWireName(), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
