namespace PortWarden.Core.Tracking;

/// <summary>Everything one poll records, in one transaction: the poll, its baseline changes and its events.</summary>
public sealed record PollResult(PollRecord Poll, BaselineChanges Changes, IReadOnlyList<TrackEvent> Events, bool EstablishesBaseline)
{
    public IEnumerable<TrackEvent> ChangeEvents => Events.Where(e => e.Type.IsChange());

    public int UnplannedChanges => ChangeEvents.Count(e => e.Classification == Classification.Unplanned);
}
