using PortWarden.Agent.Scheduling;
using PortWarden.Core.Ports;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;
using PortWarden.Scanning;

namespace PortWarden.Hub.Api;

/// <summary>A schedule as the API shows and takes it.</summary>
public sealed record ScheduleView(bool AtStartup, long? EverySeconds, string? Cron)
{
    public static ScheduleView Of(string schedule)
    {
        var parsed = TrackerSchedule.Parse(schedule);
        return new ScheduleView(parsed.AtStartup, parsed.Every is { } every ? (long)every.TotalSeconds : null, parsed.Cron);
    }

    public TrackerSchedule ToSchedule() => new(AtStartup, EverySeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, Cron);
}

/// <summary>A tracker as the API shows it.</summary>
public sealed record TrackerView(
    long Id, long DeviceId, string Name, string Mode, string Ports, string ExcludePorts, string Engine, ScheduleView Schedule,
    bool BaselineEvents, int ConfirmPolls, TrackerOptions Options, int? ShardSize, bool Enabled, DateTimeOffset? RunRequestedAt)
{
    public static TrackerView Of(Tracker tracker) => new(
        tracker.Id, tracker.DeviceId, tracker.Name, tracker.Mode.ToWireName(), tracker.Ports, tracker.ExcludePorts, tracker.Engine,
        ScheduleView.Of(tracker.Schedule), tracker.Policy.SendBaselineEvents, tracker.Policy.ConfirmPolls, TrackerOptions.Parse(tracker.OptionsJson),
        tracker.ShardSize, tracker.Enabled, tracker.RunRequestedAt);
}

/// <summary>What a client sends to create or change a tracker; the same rules as the command line.</summary>
public sealed record TrackerInput(
    long? DeviceId, string? Name, string? Mode, string? Ports, string? ExcludePorts, string? Engine, ScheduleView? Schedule,
    bool? BaselineEvents, int? ConfirmPolls, TrackerOptions? Options, int? ShardSize, bool? Enabled)
{
    public async Task<(Tracker? Tracker, Validation Validation)> ValidateAsync(long id, IPortWardenStore store, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var device = DeviceId is { } deviceId ? await store.GetDeviceAsync(deviceId, cancellationToken).ConfigureAwait(false) : null;
        if (device is null)
        {
            validation.Add("deviceId", DeviceId is null ? "a tracker needs a device" : $"there is no device {DeviceId}");
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > DeviceInput.MaxNameLength)
        {
            validation.Add("name", $"a tracker needs a name of 1-{DeviceInput.MaxNameLength} characters");
        }

        var mode = TrackerMode.Remote;
        if (Mode is not null && !TrackerModeNames.TryParse(Mode, out mode))
        {
            validation.Add("mode", $"'{Mode}' is not a mode (self, remote or network)");
        }

        var ports = Ports ?? PortSpec.Default.IncludeText;
        var spec = validation.Check("ports", () => PortSpec.Parse(ports));
        if (ExcludePorts is not null)
        {
            var excluded = validation.Check("excludePorts", () => PortSpec.Parse("-", ExcludePorts));
            spec = spec is null || excluded is null ? null : PortSpec.Parse(ports, ExcludePorts);
        }

        var engine = PlannedEngine(spec, validation);
        var schedule = (Schedule ?? new ScheduleView(false, null, null)).ToSchedule();
        validation.Check("schedule", () => ScheduleCalendar.Parse(schedule.ToString()));
        if (ConfirmPolls is < 1 or > TrackingPolicy.MaxConfirmPolls)
        {
            validation.Add("confirmPolls", $"must be between 1 and {TrackingPolicy.MaxConfirmPolls}");
        }

        foreach (var (field, message) in (Options ?? new TrackerOptions()).Problems())
        {
            validation.Add($"options.{field}", message);
        }

        if (ShardSize is { } size && (size < 1 || size > 65536 || mode != TrackerMode.Network))
        {
            validation.Add("shardSize", mode != TrackerMode.Network ? "only network trackers are sharded" : "must be between 1 and 65536 addresses");
        }

        if (!validation.IsValid)
        {
            return (null, validation);
        }

        var tracker = new Tracker(id, device!.Id, Name!, ports, ExcludePorts ?? "", engine!, schedule.ToString(),
            new TrackingPolicy(ConfirmPolls ?? 1, BaselineEvents ?? false))
        {
            Mode = mode,
            ShardSize = ShardSize,
            Enabled = Enabled ?? true,
            OptionsJson = (Options ?? new TrackerOptions()).ToJson(),
        };
        return (tracker, validation);
    }

    /// <summary>The name of the engine polls will run: the one asked for, checked against the ports, or the ports' default.</summary>
    private string? PlannedEngine(PortSpec? ports, Validation validation)
    {
        if (ports is null)
        {
            if (Engine is not null && !ScanPlan.Knows(Engine))
            {
                validation.Add("engine", $"unknown engine '{Engine}' (available: {string.Join(", ", ScanEngines.Names)})");
            }

            return Engine;
        }

        try
        {
            return ScanPlan.Choose(Engine, ports, explicitSpec: true, TimeProvider.System).Engine.Name;
        }
        catch (ScanEngineException error)
        {
            validation.Add("engine", error.Message);
            return null;
        }
    }
}
