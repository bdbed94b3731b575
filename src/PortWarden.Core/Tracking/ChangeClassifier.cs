using System.Net;
using PortWarden.Core.Ports;
using PortWarden.Core.Targets;

namespace PortWarden.Core.Tracking;

/// <summary>
/// Stamps changes planned or unplanned. A window approves a change when it is for the change's device (or
/// all devices), covers its host and port, and overlaps the interval in which the change happened — after
/// the previous poll, up to the poll that saw it — since a poll cannot tell when exactly inside that
/// interval a port opened.
/// </summary>
public sealed class ChangeClassifier
{
    private readonly List<Scope> scopes;

    public ChangeClassifier(IEnumerable<ChangeWindow> windows)
    {
        scopes = windows.OrderBy(window => window.From).Select(window => new Scope(
            window,
            window.Targets is null ? null : TargetSpec.Parse(window.Targets, "change window target"),
            window.Ports is null ? null : PortSpec.Parse(window.Ports, window.ExcludePorts))).ToList();
    }

    public static ChangeClassifier None { get; } = new([]);

    /// <summary>The change stamped planned with the first window that covers it, or unplanned.</summary>
    public TrackEvent Classify(TrackEvent change)
    {
        var window = scopes.FirstOrDefault(scope => scope.Covers(change))?.Window;
        return change with
        {
            Classification = window is null ? Classification.Unplanned : Classification.Planned,
            WindowId = window?.Id,
            Reference = window?.Reference,
        };
    }

    private sealed record Scope(ChangeWindow Window, TargetSpec? Targets, PortSpec? Ports)
    {
        public bool Covers(TrackEvent change)
        {
            if (!change.Type.IsChange() || (Window.DeviceId is { } device && device != change.DeviceId))
            {
                return false;
            }

            var changedAfter = change.ChangedAfter ?? change.OccurredAt;
            if (Window.To < changedAfter || Window.From > change.OccurredAt)
            {
                return false;
            }

            if (Targets is not null && (change.Host is null || !IPAddress.TryParse(change.Host, out var address) || !Targets.Contains(address)))
            {
                return false;
            }

            // A window limited to some ports approves only changes of those ports, not a whole host coming or going.
            return Ports is null || (change.Key is { } key && Ports.For(key.Protocol).Contains(key.Port));
        }
    }
}
