using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/devices: hosts and named networks, their agents, current baselines and poll history.</summary>
public static class DevicesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/devices").WithTags("Devices");
        devices.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListDevicesAsync(cancellationToken).ConfigureAwait(false))
                .Select(s => new DeviceSummaryView(DeviceView.Of(s.Device), s.HostsUp, s.OpenPorts, s.Polls, s.LastPoll is null ? null : PollView.Of(s.LastPoll))));

        devices.MapGet("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is { } device ? Results.Ok(DeviceView.Of(device)) : NotFound("device", id));

        devices.MapPost("/", async (DeviceInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var (kind, validation) = await input.ValidateAsync(store, cancellationToken).ConfigureAwait(false);
            if (validation.IsValid && await store.FindDeviceAsync(input.Name!, cancellationToken).ConfigureAwait(false) is not null)
            {
                validation.Add("name", $"a device named '{input.Name}' exists already");
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var device = await SaveAsync(store, input, kind, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/devices/{device.Id}", DeviceView.Of(device));
        });

        devices.MapPut("/{id:long}", async (long id, DeviceInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                return NotFound("device", id);
            }

            var (kind, validation) = await input.ValidateAsync(store, cancellationToken).ConfigureAwait(false);
            if (validation.IsValid && !string.Equals(existing.Name, input.Name, StringComparison.OrdinalIgnoreCase))
            {
                validation.Add("name", "a device cannot be renamed (its history is filed under its name); create a new device instead");
            }

            return validation.IsValid ? Results.Ok(DeviceView.Of(await SaveAsync(store, input, kind, cancellationToken).ConfigureAwait(false))) : validation.Problem();
        });

        devices.MapGet("/{id:long}/baseline", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is not { } device)
            {
                return NotFound("device", id);
            }

            var baseline = await store.LoadBaselineAsync(device, cancellationToken).ConfigureAwait(false);
            return Results.Ok(baseline.Hosts.Values.OrderBy(h => System.Net.IPAddress.Parse(h.Address), Core.Targets.AddressComparer.Instance).Select(BaselineHostView.Of));
        });

        devices.MapGet("/{id:long}/polls", async (long id, int? limit, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                return NotFound("device", id);
            }

            var polls = await store.ListPollsAsync(id, Math.Clamp(limit ?? 50, 1, 1000), cancellationToken).ConfigureAwait(false);
            return Results.Ok(polls.Select(PollView.Of));
        });

        devices.MapGet("/{id:long}/trackers", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            Results.Ok((await store.ListTrackersAsync(id, cancellationToken).ConfigureAwait(false)).Select(TrackerView.Of)));
    }

    private static async Task<Device> SaveAsync(IPortWardenStore store, DeviceInput input, DeviceKind kind, CancellationToken cancellationToken)
    {
        var device = await store.SaveDeviceAsync(input.Name!, kind, input.Targets ?? "", cancellationToken).ConfigureAwait(false);
        await store.SetDeviceAgentsAsync(device.Id, input.AgentIds ?? [], cancellationToken).ConfigureAwait(false);
        await store.SetExpectedPortsAsync(device.Id, input.ExpectedPorts, cancellationToken).ConfigureAwait(false);
        return (await store.GetDeviceAsync(device.Id, cancellationToken).ConfigureAwait(false))!;
    }

    internal static IResult NotFound(string what, long id) => Results.Problem($"there is no {what} {id}", statusCode: StatusCodes.Status404NotFound);
}
