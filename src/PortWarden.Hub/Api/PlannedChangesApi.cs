using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/planned-changes: approved change windows.</summary>
public static class PlannedChangesApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        var windows = api.MapGroup("/planned-changes").WithTags("Planned changes");
        windows.MapGet("/", async (long? device, IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListChangeWindowsAsync(device, cancellationToken).ConfigureAwait(false)).Select(PlannedChangeView.Of));

        windows.MapPost("/", async (PlannedChangeInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var validation = await ValidateAsync(input, store, cancellationToken).ConfigureAwait(false);
            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var window = await store.AddChangeWindowAsync(input.Normalized().ToWindow(0) with { CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/planned-changes/{window.Id}", PlannedChangeView.Of(window));
        });

        windows.MapPut("/{id:long}", async (long id, PlannedChangeInput input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var validation = await ValidateAsync(input, store, cancellationToken).ConfigureAwait(false);
            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var window = input.Normalized().ToWindow(id);
            return await store.UpdateChangeWindowAsync(window, cancellationToken).ConfigureAwait(false)
                ? Results.Ok(PlannedChangeView.Of(window))
                : DevicesApi.NotFound("planned change", id);
        });

        windows.MapDelete("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.RemoveChangeWindowAsync(id, cancellationToken).ConfigureAwait(false) ? Results.NoContent() : DevicesApi.NotFound("planned change", id));
    }

    private static async Task<Validation> ValidateAsync(PlannedChangeInput input, IPortWardenStore store, CancellationToken cancellationToken)
    {
        input = input.Normalized();
        var validation = new Validation();
        if (input.DeviceId is { } deviceId && await store.GetDeviceAsync(deviceId, cancellationToken).ConfigureAwait(false) is null)
        {
            validation.Add("deviceId", $"there is no device {deviceId}");
        }

        if (input.From is null)
        {
            validation.Add("from", "a window needs a start");
        }

        if (input.To is null)
        {
            validation.Add("to", "a window needs an end");
        }

        if (validation.IsValid)
        {
            foreach (var (field, message) in ChangeWindow.Problems(input.Targets, input.Ports, input.ExcludePorts, input.From!.Value, input.To!.Value))
            {
                validation.Add(field, message);
            }
        }

        return validation;
    }
}
