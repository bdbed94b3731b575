using System.Threading.RateLimiting;

namespace PortWarden.Hub.Dashboard;

/// <summary>
/// Login attempts per client address (ASP.NET Core's rate limiter): enough for people who mistype, too few for
/// guessing passwords. Behind a reverse proxy every client has the proxy's address, so they share one allowance.
/// </summary>
public static class LoginRateLimit
{
    public const string Policy = "login";

    public const int AttemptsPerWindow = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = AttemptsPerWindow, Window = Window, QueueLimit = 0 }));
            limiter.OnRejected = (rejected, cancellationToken) => LoginEndpoints.TooManyAttemptsAsync(rejected.HttpContext, rejected.Lease);
        });
}
