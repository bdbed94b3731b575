using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Alerts;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Api;

/// <summary>
/// /api/v1/alert-rules: what raises alerts and where they go (the JSON of <see cref="AlertRule"/>). Listings mask secrets;
/// a PUT that sends a secret back masked, or leaves it out, keeps the stored one. POST …/{id}/test sends a test message now.
/// </summary>
public static class AlertRulesApi
{
    public static void Map(RouteGroupBuilder api, TimeProvider time)
    {
        var rules = api.MapGroup("/alert-rules").WithTags("Alerts");
        rules.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListAlertRulesAsync(cancellationToken).ConfigureAwait(false)).Select(Masked));

        rules.MapGet("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.GetAlertRuleAsync(id, cancellationToken).ConfigureAwait(false) is { } rule ? Results.Ok(Masked(rule)) : DevicesApi.NotFound("alert rule", id));

        rules.MapPost("/", async (AlertRule input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var validation = Validate(input);
            if (validation.IsValid && await store.FindAlertRuleAsync(input.Name, cancellationToken).ConfigureAwait(false) is not null)
            {
                validation.Add("name", $"an alert rule named '{input.Name}' exists already");
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var rule = await store.AddAlertRuleAsync(input with { Id = 0, CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/alert-rules/{rule.Id}", Masked(rule));
        });

        rules.MapPut("/{id:long}", async (long id, AlertRule input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            if (await store.GetAlertRuleAsync(id, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                return DevicesApi.NotFound("alert rule", id);
            }

            var rule = KeepSecrets(input with { Id = id }, existing);
            var validation = Validate(rule);
            if (validation.IsValid && await store.FindAlertRuleAsync(rule.Name, cancellationToken).ConfigureAwait(false) is { } named && named.Id != id)
            {
                validation.Add("name", $"an alert rule named '{rule.Name}' exists already");
            }

            return validation.IsValid
                ? Results.Ok(Masked((await store.UpdateAlertRuleAsync(rule, cancellationToken).ConfigureAwait(false))!))
                : validation.Problem();
        });

        rules.MapDelete("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.RemoveAlertRuleAsync(id, cancellationToken).ConfigureAwait(false) ? Results.NoContent() : DevicesApi.NotFound("alert rule", id));

        rules.MapPost("/{id:long}/test", async (long id, IPortWardenStore store, AlertSenders senders, CancellationToken cancellationToken) =>
        {
            if (await store.GetAlertRuleAsync(id, cancellationToken).ConfigureAwait(false) is not { } rule)
            {
                return DevicesApi.NotFound("alert rule", id);
            }

            return Results.Ok(await new AlertTester(senders, time).TestAsync(rule, cancellationToken).ConfigureAwait(false));
        });
    }

    private static Validation Validate(AlertRule rule)
    {
        var validation = new Validation();
        foreach (var (field, message) in AlertRuleValidation.Problems(rule))
        {
            validation.Add(field, message);
        }

        return validation;
    }

    private static AlertRule Masked(AlertRule rule) => rule with { Channels = rule.Channels.Select(c => c.WithoutSecrets()).ToList() };

    /// <summary>A masked or missing secret of a channel that keeps its name keeps its stored value.</summary>
    private static AlertRule KeepSecrets(AlertRule input, AlertRule existing) => input with
    {
        Channels = (input.Channels ?? []).Select(channel => existing.Channel(channel.NameOrDefault) is { } stored && stored.Type == channel.Type
            ? channel with
            {
                Secret = channel.Secret is null or AlertChannel.Masked ? stored.Secret : channel.Secret,
                SmtpPassword = channel.SmtpPassword is null or AlertChannel.Masked ? stored.SmtpPassword : channel.SmtpPassword,
            }
            : channel).ToList(),
    };
}
