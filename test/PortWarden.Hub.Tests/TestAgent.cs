using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PortWarden.Agent;
using PortWarden.Agent.Delivery;
using PortWarden.Agent.Wire;
using PortWarden.Core.Targets;

namespace PortWarden.Hub.Tests;

/// <summary>A real agent running in the test process, talking HTTP to a hub, with its own data directory.</summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-agent-");
    private readonly HttpHubConnection connection;
    private readonly AgentRunner runner;
    private readonly AgentMetrics metrics;

    public TestAgent(Uri hub, EnrolResponse identity, ILoggerFactory? loggers = null)
    {
        var state = AgentState.Open(directory.FullName);
        state.SaveIdentity(new AgentIdentity(hub, identity.AgentId, identity.Credential));
        Outbox = new Outbox(state.OutboxDirectory);
        var outbox = Outbox;
        metrics = new AgentMetrics(() => outbox.Count);
        connection = new HttpHubConnection(hub, identity.Credential);
        runner = new AgentRunner(connection, state, Outbox, new PollExecutor(TimeProvider.System, new SystemHostResolver(), metrics), TimeProvider.System,
            new AgentOptions { RefreshInterval = TimeSpan.FromSeconds(1), ShardPollInterval = TimeSpan.FromMilliseconds(500) }, loggers ?? NullLoggerFactory.Instance);
    }

    public Outbox Outbox { get; }

    public string DataDirectory => directory.FullName;

    public Task StartAsync() => runner.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await runner.StopAsync(CancellationToken.None);
        runner.Dispose();
        connection.Dispose();
        metrics.Dispose();
        directory.Delete(recursive: true);
    }
}
