using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/trackers: tracking policies (ports, engine, mode, schedule, confirmation, options, sharding) and "run now".</summary>
public static class TrackersApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        var trackers = api.MapGroup("/trackers").WithTags("Trackers");
        trackers.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListAllTrackersAsync(cancellationToken).ConfigureAwait(false)).Select(TrackerView.Of));

        trackers.MapGet("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.GetTrackerAsync(id, cancellationToken).ConfigureAwait(false) is { } tracker ? Results.Ok(TrackerView.Of(tracker)) : DevicesApi.NotFound("tracker", id));

        trackers.MapPost("/", async (TrackerInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var (tracker, validation) = await input.ValidateAsync(0, store, cancellationToken).ConfigureAwait(false);
            if (tracker is not null && (await store.ListTrackersAsync(tracker.DeviceId, cancellationToken).ConfigureAwait(false)).Any(t => t.Name == tracker.Name))
            {
                validation.Add("name", $"the device has a tracker named '{tracker.Name}' already");
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var saved = await store.SaveTrackerAsync(tracker!, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/trackers/{saved.Id}", TrackerView.Of(saved));
        });

        trackers.MapPut("/{id:long}", async (long id, TrackerInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetTrackerAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                return DevicesApi.NotFound("tracker", id);
            }

            var (tracker, validation) = await input.ValidateAsync(id, store, cancellationToken).ConfigureAwait(false);
            return tracker is null ? validation.Problem() : Results.Ok(TrackerView.Of(await store.SaveTrackerAsync(tracker, cancellationToken).ConfigureAwait(false)));
        });

        trackers.MapDelete("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.DeleteTrackerAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ? Results.NoContent() : DevicesApi.NotFound("tracker", id));

        trackers.MapPost("/{id:long}/run", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.RequestRunAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ? Results.Accepted() : DevicesApi.NotFound("tracker", id));
    }
}
