using Microsoft.Extensions.Hosting;
using PortWarden.Agent;

namespace PortWarden.Hub.Embedded;

/// <summary>
/// Runs the hub's own agent, starting it only once the hub is listening (the host's ApplicationStarted): hosted
/// services start before the web server binds its ports, so an agent started with them took its first self-scan
/// before the hub's own port was open and recorded it only on a later poll, as an unplanned change.
/// </summary>
public sealed class LocalAgentService(AgentRunner runner, IHostApplicationLifetime lifetime) : IHostedService
{
    private readonly Lock gate = new();
    private Task? started;
    private bool stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            lock (gate)
            {
                if (!stopping)
                {
                    started = runner.StartAsync(CancellationToken.None);
                }
            }
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? running;
        lock (gate)
        {
            stopping = true;
            running = started;
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
            await runner.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
