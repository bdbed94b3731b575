using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Auth;

namespace PortWarden.Hub.Api;

/// <summary>A registered agent as the API shows it.</summary>
public sealed record AgentView(long Id, string Name, string? HostName, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt, string? Version)
{
    public static AgentView Of(Core.Fleet.Agent agent) =>
        new(agent.Id, agent.Name, agent.HostName, agent.EnrolledAt, agent.LastSeenAt, agent.RevokedAt, agent.Version);
}

/// <summary>What an admin sends to create an enrolment token.</summary>
public sealed record EnrollmentTokenInput(string? Note, int? ExpiresInHours);

/// <summary>A new enrolment token: the secret is shown this once.</summary>
public sealed record EnrollmentTokenCreated(long Id, string Token, DateTimeOffset ExpiresAt, string? Note);

/// <summary>/api/v1/agents and /api/v1/enrollment-tokens (admin), and /api/v1/agents/enrol (anonymous, with a one-time token).</summary>
public static class AgentsApi
{
    public const int MaxTokenHours = 24 * 30;

    public static void MapAdmin(RouteGroupBuilder api, TimeProvider time)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            (await store.ListAgentsAsync(cancellationToken).ConfigureAwait(false)).Select(AgentView.Of));
        agents.MapDelete("/{id:long}", async (long id, IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.RevokeAgentAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ? Results.NoContent() : DevicesApi.NotFound("active agent", id));

        var tokens = api.MapGroup("/enrollment-tokens").WithTags("Agents");
        tokens.MapGet("/", async (IPortWardenStore store, CancellationToken cancellationToken) =>
            await store.ListEnrollmentTokensAsync(cancellationToken).ConfigureAwait(false));
        tokens.MapPost("/", async (EnrollmentTokenInput? input, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var hours = input?.ExpiresInHours ?? 24;
            if (hours is < 1 or > MaxTokenHours)
            {
                var validation = new Validation();
                validation.Add("expiresInHours", $"must be between 1 and {MaxTokenHours}");
                return validation.Problem();
            }

            var now = time.GetUtcNow();
            var secret = Secrets.NewEnrollmentToken();
            var token = await store.AddEnrollmentTokenAsync(Secrets.Hash(secret), now, now.AddHours(hours), input?.Note, cancellationToken).ConfigureAwait(false);
            return Results.Created($"/api/v1/enrollment-tokens/{token.Id}", new EnrollmentTokenCreated(token.Id, secret, token.ExpiresAt, token.Note));
        });
    }

    public static void MapEnrolment(RouteGroupBuilder api, TimeProvider time)
    {
        api.MapPost("/agents/enrol", async (EnrolRequest request, IPortWardenStore store, CancellationToken cancellationToken) =>
        {
            var validation = new Validation();
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > DeviceInput.MaxNameLength)
            {
                validation.Add("name", $"an agent needs a name of 1-{DeviceInput.MaxNameLength} characters");
            }

            if (string.IsNullOrWhiteSpace(request.Token))
            {
                validation.Add("token", "an enrolment token is required");
            }

            if (!validation.IsValid)
            {
                return validation.Problem();
            }

            var secret = Secrets.NewAgentSecret();
            var agent = await store.EnrolAgentAsync(Secrets.Hash(request.Token), request.Name, request.HostName, Secrets.Hash(secret), time.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
            if (agent is null)
            {
                return Results.Problem("the enrolment token is unknown, used or expired", statusCode: StatusCodes.Status401Unauthorized);
            }

            return Results.Created($"/api/v1/agents/{agent.Id}", new EnrolResponse(agent.Id, Secrets.AgentCredential(agent.Id, secret)));
        }).AllowAnonymous().WithTags("Agents");
    }
}
