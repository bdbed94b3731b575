using System.Security.Claims;
using PortWarden.Agent.Wire;
using PortWarden.Hub.Auth;
using PortWarden.Hub.Ingestion;

namespace PortWarden.Hub.Api;

/// <summary>/api/v1/agent/…: the calls an enrolled agent makes, each limited to that agent's own devices.</summary>
public static class AgentApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var agent = api.MapGroup("/agent").WithTags("Agent protocol");
        agent.MapGet("/trackers", (ClaimsPrincipal user, AgentGateway gateway, CancellationToken cancellationToken) =>
            gateway.TrackersAsync(user.AgentId(), cancellationToken));

        agent.MapPost("/polls", async (PollUpload upload, ClaimsPrincipal user, AgentGateway gateway, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await gateway.SubmitPollAsync(user.AgentId(), upload, cancellationToken).ConfigureAwait(false));
            }
            catch (IngestionException error) when (error.Status == StatusCodes.Status400BadRequest)
            {
                var validation = new Validation();
                validation.Add(error.Field, error.Message);
                return validation.Problem();
            }
            catch (IngestionException error)
            {
                return Results.Problem(error.Message, statusCode: error.Status);
            }
        });

        agent.MapPost("/polls/{id:guid}/progress", async (Guid id, PollProgressReport report, ClaimsPrincipal user, AgentGateway gateway, CancellationToken cancellationToken) =>
        {
            if (report.PollId != id)
            {
                var validation = new Validation();
                validation.Add("pollId", $"the report is about poll {report.PollId}, not {id}");
                return validation.Problem();
            }

            return await gateway.ReportProgressAsync(user.AgentId(), report, cancellationToken).ConfigureAwait(false)
                ? Results.NoContent()
                : Results.Problem($"tracker {report.TrackerId} is not one of this agent's", statusCode: StatusCodes.Status403Forbidden);
        });

        agent.MapPost("/shards/lease", async (ClaimsPrincipal user, AgentGateway gateway, CancellationToken cancellationToken) =>
            await gateway.LeaseShardAsync(user.AgentId(), cancellationToken).ConfigureAwait(false) is { } lease ? Results.Ok(lease) : Results.NoContent());

        agent.MapPost("/shards/{id:long}/renew", async (long id, ClaimsPrincipal user, AgentGateway gateway, CancellationToken cancellationToken) =>
            await gateway.RenewShardAsync(user.AgentId(), id, cancellationToken).ConfigureAwait(false)
                ? Results.Ok()
                : Results.Problem($"shard {id} is not leased to this agent", statusCode: StatusCodes.Status409Conflict));
    }
}
