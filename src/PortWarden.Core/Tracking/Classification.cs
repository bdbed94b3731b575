namespace PortWarden.Core.Tracking;

/// <summary>Whether a change fell inside an approved change window.</summary>
public enum Classification
{
    Unplanned,
    Planned,
}

public static class ClassificationNames
{
    public static string ToWireName(this Classification classification) =>
        classification == Classification.Planned ? "planned" : "unplanned";

    public static Classification? Parse(string? text) => text switch
    {
        "planned" => Classification.Planned,
        "unplanned" => Classification.Unplanned,
        null => null,
        _ => throw new FormatException($"unknown classification '{text}'"),
    };
}
