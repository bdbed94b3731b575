using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using PortWarden.Agent;
using PortWarden.Agent.Delivery;
using PortWarden.Agent.Hosting;
using PortWarden.Alerts.Channels;
using PortWarden.Alerts.Dispatch;
using PortWarden.Core.Targets;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Api;
using PortWarden.Hub.Auth;
using PortWarden.Hub.Dashboard;
using PortWarden.Hub.Embedded;
using PortWarden.Hub.Ingestion;
using PortWarden.Hub.Progress;
using PortWarden.Hub.Sharding;
using Prometheus;

namespace PortWarden.Hub;

/// <summary>
/// Composes the hub: the REST API under /api/v1 (admin key or agent credential required, except enrolment),
/// the OpenAPI document (/openapi/v1.json), /healthz, Prometheus /metrics, the sharded-poll planner, and —
/// in the single-machine setup — its own agent.
/// </summary>
public static class HubApp
{
    public static async Task<WebApplication> BuildAsync(
        HubOptions options, IPortWardenStore store, TimeProvider time, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls([.. options.Urls]);
        if (options.CertificatePath is not null)
        {
            var certificate = LoadCertificate(options);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddServiceConsole();
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            // Keys are stored unencrypted in the owner-only key directory, by design: do not warn about it on every new key.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        }
        else
        {
            logging(builder.Logging);
        }

        // Under systemd (Type=notify) or as a Windows service: report readiness and stopping to the service manager.
        builder.Services.AddServiceLifetime();

        var services = builder.Services;
        services.AddSingleton(store);
        services.AddSingleton(time);
        services.AddSingleton(options);
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<HubMetrics>();
        services.AddSingleton<UploadValidation>();
        services.AddSingleton<PollIngestion>();
        services.AddSingleton<AgentGateway>();
        services.AddSingleton<RunningPolls>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<UserSessions>();
        services.AddLoginRateLimit();
        services.AddHostedService<ShardPlanner>();
        AddAlerts(services, options);
        // Dashboard sessions and anti-forgery tokens are protected with these keys: kept in the data directory (owner only),
        // so sessions survive a restart. Several hubs behind one address need the same directory (or sticky sessions).
        services.AddDataProtection().SetApplicationName("PortWarden.Hub").PersistKeysToFileSystem(KeyDirectory(options));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks();
        services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.Converters.Add(new TrackEventConverter());
        });
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddAuthentication(DashboardAuth.BearerOrCookie)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HubAuthentication>(HubAuthentication.SchemeName, null)
            .AddDashboardSessions();
        services.AddAuthorizationBuilder().AddHubPolicies();

        if (options.LocalAgent)
        {
            var agentId = await LocalAgentSetup.EnsureAsync(store, options, time, cancellationToken).ConfigureAwait(false);
            AddLocalAgent(services, options, agentId);
        }

        var app = builder.Build();

        // Created now, so its instruments are exported from the first scrape on; the adapter publishes .NET meters
        // (the hub's and its agent's) as Prometheus metrics.
        app.Services.GetRequiredService<HubMetrics>();
        // prometheus-net's registry is process-wide: the adapter lives as long as the process (starting it again is a no-op).
        _ = MeterAdapter.StartListening();
        app.UseExceptionHandler(handler => handler.Run(WriteErrorAsync));
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSessionCsrfProtection();
        app.UseRateLimiter();
        var api = app.MapGroup("/api/v1");
        AgentsApi.MapEnrolment(api, time);
        // Admins may do everything here, viewers only read (GET).
        var admin = api.MapGroup("").RequireAuthorization(HubPolicies.Read);
        DevicesApi.Map(admin);
        TrackersApi.Map(admin, time);
        PlannedChangesApi.Map(admin, time);
        EventsApi.Map(admin);
        AgentsApi.MapAdmin(admin, time);
        DashboardApi.Map(admin);
        AlertRulesApi.Map(admin, time);
        AlertDeliveriesApi.Map(admin, time);
        ReportsApi.Map(admin, time);
        UsersApi.Map(api.MapGroup("").RequireAuthorization(HubAuthentication.AdminRole), time);
        AgentApi.Map(api.MapGroup("").RequireAuthorization(HubAuthentication.AgentRole));
        app.MapOpenApi("/openapi/v1.json");
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics");
        DashboardPages.Map(app);
        return app;
    }

    private static DirectoryInfo KeyDirectory(HubOptions options)
    {
        var directory = Directory.CreateDirectory(Path.Combine(options.DataDirectory, "keys"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory;
    }

    /// <summary>Alerts: rules' messages queued after each recorded poll, and a dispatcher that delivers them in the background.</summary>
    private static void AddAlerts(IServiceCollection services, HubOptions options)
    {
        services.AddSingleton(options.Alerts);
        services.AddSingleton<Alerts.AlertSignal>();
        services.AddSingleton<Alerts.PollAlerts>();
        services.AddSingleton(provider => AlertSenders.Create(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new AlertDispatcher(
            provider.GetRequiredService<IPortWardenStore>(), provider.GetRequiredService<AlertSenders>(), provider.GetRequiredService<TimeProvider>(), options.Alerts));
        services.AddHostedService<Alerts.AlertDispatchService>();
    }

    private static void AddLocalAgent(IServiceCollection services, HubOptions options, long agentId)
    {
        var state = AgentState.Open(Path.Combine(options.DataDirectory, "agent"));
        services.AddSingleton(provider => new Outbox(state.OutboxDirectory));
        services.AddSingleton(provider => new AgentMetrics(() => provider.GetRequiredService<Outbox>().Count));
        // Started by LocalAgentService once the hub listens, so its first self-scan sees the hub's own port.
        services.AddSingleton(provider => new AgentRunner(
            new LocalHubConnection(provider.GetRequiredService<AgentGateway>(), agentId),
            state,
            provider.GetRequiredService<Outbox>(),
            new PollExecutor(provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<IHostResolver>(), provider.GetRequiredService<AgentMetrics>()),
            provider.GetRequiredService<TimeProvider>(),
            new AgentOptions { RefreshInterval = options.LocalAgentRefresh },
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<LocalAgentService>();
    }

    /// <summary>Unreadable request bodies become 400 problem details naming the JSON path at fault; anything else a 500.</summary>
    private static async Task WriteErrorAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (error is BadHttpRequestException bad)
        {
            var field = (bad.InnerException as JsonException)?.Path ?? "body";
            var message = bad.InnerException is JsonException json ? json.Message : bad.Message;
            context.Response.StatusCode = bad.StatusCode;
            await Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request could not be read.")
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = 500, Title = "The hub failed to handle the request.", Detail = error?.Message },
        }).ConfigureAwait(false);
    }

    private static X509Certificate2 LoadCertificate(HubOptions options)
    {
        var path = options.CertificatePath!;
        try
        {
            return options.CertificateKeyPath is { } key
                ? X509Certificate2.CreateFromPemFile(path, key)
                : X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (Exception error) when (error is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new FormatException($"cannot load the HTTPS certificate '{path}': {error.Message}", error);
        }
    }
}
