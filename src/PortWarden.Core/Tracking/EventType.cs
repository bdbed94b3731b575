namespace PortWarden.Core.Tracking;

/// <summary>The kinds of event a poll can produce.</summary>
public enum EventType
{
    Baseline,
    PortOpened,
    PortClosed,
    ServiceChanged,
    HostUp,
    HostDown,
    PollCompleted,
}

public static class EventTypeNames
{
    private static readonly (EventType Type, string Name)[] Names =
    [
        (EventType.Baseline, "baseline"),
        (EventType.PortOpened, "port-opened"),
        (EventType.PortClosed, "port-closed"),
        (EventType.ServiceChanged, "service-changed"),
        (EventType.HostUp, "host-up"),
        (EventType.HostDown, "host-down"),
        (EventType.PollCompleted, "poll-completed"),
    ];

    public static IEnumerable<string> All => Names.Select(entry => entry.Name);

    public static string ToWireName(this EventType type) => Names.First(entry => entry.Type == type).Name;

    public static bool TryParse(string? text, out EventType type)
    {
        foreach (var (candidate, name) in Names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>Changes are the events that planned-change windows classify.</summary>
    public static bool IsChange(this EventType type) => type is not (EventType.Baseline or EventType.PollCompleted);
}
