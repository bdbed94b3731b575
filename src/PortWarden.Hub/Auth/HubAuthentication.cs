using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PortWarden.Core.Tracking;

namespace PortWarden.Hub.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer &lt;secret&gt;": an admin key gives the admin role, an agent credential
/// the agent role with the agent's id (revoked agents are refused). Anything else is unauthenticated (401).
/// </summary>
public sealed class HubAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IPortWardenStore store,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PortWarden";
    public const string AdminRole = "admin";
    public const string AgentRole = "agent";
    public const string AgentIdClaim = "agent_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header["Bearer ".Length..].Trim();
        if (secret.StartsWith(Secrets.AdminKeyPrefix, StringComparison.Ordinal)
            && await store.IsApiKeyAsync(Secrets.Hash(secret), Context.RequestAborted).ConfigureAwait(false))
        {
            return Success([new Claim(ClaimTypes.Role, AdminRole), new Claim(ClaimTypes.Name, "admin")]);
        }

        if (Secrets.ParseAgentCredential(secret) is var (agentId, agentSecret)
            && await store.FindAgentAsync(agentId, Context.RequestAborted).ConfigureAwait(false) is { } found
            && !found.Agent.IsRevoked
            && Secrets.Matches(agentSecret, found.CredentialHash))
        {
            await store.TouchAgentAsync(agentId, time.GetUtcNow(), Request.Headers["X-PortWarden-Version"].FirstOrDefault(), Context.RequestAborted).ConfigureAwait(false);
            return Success([new Claim(ClaimTypes.Role, AgentRole), new Claim(AgentIdClaim, agentId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, found.Agent.Name)]);
        }

        return AuthenticateResult.Fail("unknown, revoked or malformed credential");
    }

    private static AuthenticateResult Success(Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}

/// <summary>Reading the authenticated agent from a request.</summary>
public static class AgentPrincipal
{
    public static long AgentId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(HubAuthentication.AgentIdClaim) ?? throw new InvalidOperationException("not an agent"), System.Globalization.CultureInfo.InvariantCulture);
}
