using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortWarden.Agent;
using PortWarden.Agent.Delivery;
using PortWarden.Agent.Hosting;
using PortWarden.Agent.Wire;
using PortWarden.Cli.Configuration;
using PortWarden.Core.Targets;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden agent`: enrols with a one-time token (first run), then runs the hub's trackers and delivers every poll exactly once.</summary>
internal static class AgentCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var config = new ConfigOptions();
        var hub = new Option<string?>("--hub") { Description = "The hub's URL, e.g. https://hub.example:5443.", HelpName = "url" };
        var token = new Option<string?>("--token") { Description = "One-time enrolment token (needed on the first run only).", HelpName = "token" };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Where the agent keeps its credential, its tracker list and undelivered polls. Default: beside the default database, in 'agent'.",
            HelpName = "dir",
        };
        var name = new Option<string?>("--name") { Description = "How the hub lists this agent (default: the host name).", HelpName = "name" };
        var caCert = new Option<FileInfo?>("--ca-cert") { Description = "Trust only this certificate authority (PEM) for the hub's HTTPS.", HelpName = "file" };
        var refresh = new Option<int>("--refresh") { Description = "Seconds between asking the hub for trackers (1-3600). Default: 30.", HelpName = "seconds" };
        var maxPolls = new Option<int>("--max-polls") { Description = "Polls run at the same time (1-64). Default: 2.", HelpName = "n" };
        var metricsUrl = new Option<string?>("--metrics-url")
        {
            Description = "Serve Prometheus metrics (polls, scan rate, outbox depth) at this address, e.g. http://127.0.0.1:9464/.",
            HelpName = "url",
        };
        var grace = new Option<int>("--shutdown-grace") { Description = "Seconds a running poll may take to finish when the agent stops (0-3600). Default: 20. After it, connect and udp polls are checkpointed and finished at the next start; nmap and local polls are abandoned.", HelpName = "seconds" };
        var command = new Command("agent", "Run an agent: enrol with the hub, run its trackers on their schedules, deliver every poll (queued on disk while the hub is away).");
        foreach (var option in new Option[] { hub, token, dataDir, name, caCert, refresh, maxPolls, grace, metricsUrl })
        {
            command.Options.Add(option);
        }

        config.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("agent", streams, async () =>
        {
            var (settings, layers) = config.Load<AgentSettings>(parse, command, AgentSettings.Section);
            if (parse.GetValue(config.Check))
            {
                await ConfigOptions.WriteAsync(settings, AgentSettings.Section, layers, streams.Out).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var state = AgentState.Open(settings.DataDir ?? Path.Combine(Path.GetDirectoryName(Storage.StoreLocation.DefaultPath)!, "agent"));
            var authority = settings.CaCert is { } file ? LoadAuthority(file) : null;
            var hubUrl = settings.Hub is { } text ? HubUrl(text) : null;
            var identity = await IdentityAsync(state, hubUrl, settings.Token, settings.Name, authority, cancellationToken).ConfigureAwait(false);
            await streams.Error.WriteLineAsync($"PortWarden agent {identity.AgentId} of {identity.Hub}; data in {state.Directory}").ConfigureAwait(false);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.Logging.AddServiceConsole();
            builder.Logging.AddConfiguration(layers.Root.GetSection("Logging"));
            // Under systemd (Type=notify) or as a Windows service: report readiness and stopping to the service manager.
            builder.Services.AddServiceLifetime();
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownGraceSeconds + 10));
            using var connection = new HttpHubConnection(identity.Hub, identity.Credential, authority);
            var outbox = new Outbox(state.OutboxDirectory);
            using var metrics = new AgentMetrics(() => outbox.Count);
            builder.Services.AddHostedService(provider => new AgentRunner(
                connection, state, outbox, new PollExecutor(time, new SystemHostResolver(), metrics), time,
                new AgentOptions
                {
                    RefreshInterval = TimeSpan.FromSeconds(settings.RefreshSeconds),
                    MaxParallelPolls = settings.MaxPolls,
                    ShutdownGrace = TimeSpan.FromSeconds(settings.ShutdownGraceSeconds),
                    TrustedAuthority = authority,
                },
                provider.GetRequiredService<ILoggerFactory>()));
            using var host = builder.Build();
            using var exporter = settings.MetricsUrl is { } url ? StartMetrics(url) : null;
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The stored identity, or a new one from enrolling with the token; a data directory belongs to one hub.</summary>
    private static async Task<AgentIdentity> IdentityAsync(
        AgentState state, Uri? hub, string? token, string? name, X509Certificate2? authority, CancellationToken cancellationToken)
    {
        if (state.Identity is { } known)
        {
            if (hub is not null && hub != known.Hub)
            {
                throw new UsageException($"{state.Directory} belongs to agent {known.AgentId} of {known.Hub}; use another --data-dir for {hub}");
            }

            return known;
        }

        if (hub is null || token is null)
        {
            throw new UsageException($"this agent is not enrolled yet ({state.Directory}): give --hub URL and --token from the hub's enrolment-token API");
        }

        using var enrolment = new HttpHubConnection(hub, null, authority);
        EnrolResponse response;
        try
        {
            response = await enrolment.EnrolAsync(new EnrolRequest(token, name ?? Environment.MachineName, Environment.MachineName), cancellationToken).ConfigureAwait(false);
        }
        catch (HubRejectedException error)
        {
            throw new UsageException($"enrolment refused: {error.Message}");
        }
        catch (HubUnavailableException error)
        {
            throw new UsageException($"cannot enrol: {error.Message}");
        }

        var identity = new AgentIdentity(hub, response.AgentId, response.Credential);
        state.SaveIdentity(identity);
        return identity;
    }

    private static Both StartMetrics(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            throw new UsageException($"--metrics-url '{url}' is not an http:// URL");
        }

        var adapter = Prometheus.MeterAdapter.StartListening();
        var server = new Prometheus.KestrelMetricServer(uri.Host, uri.Port, uri.AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "/metrics");
        server.Start();
        return new Both(server, adapter);
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    private static Uri HubUrl(string text) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--hub '{text}' is not an http:// or https:// URL");

    private static X509Certificate2 LoadAuthority(string file)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(file);
        }
        catch (Exception error) when (error is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new UsageException($"cannot read the CA certificate '{file}': {error.Message}");
        }
    }
}
