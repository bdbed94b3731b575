using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PortWarden.TestServers;

/// <summary>One request a <see cref="WebhookReceiver"/> got: its headers, body, and the status it answered.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP server (Kestrel) on a loopback port that records every POST it gets and answers each with the status
/// <see cref="Respond"/> picks (200 unless told otherwise), e.g. failing the first two requests.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedRequest> requests = new();
    private int count;

    private WebhookReceiver(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>Chooses the status of the n-th request (1-based).</summary>
    public Func<int, int> Respond { get; set; } = _ => 200;

    public Uri Url(string path = "hook") => new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/"), path);

    public IReadOnlyList<ReceivedRequest> Requests => requests.ToArray();

    /// <summary>The requests answered with a 2xx status.</summary>
    public IReadOnlyList<ReceivedRequest> Accepted => requests.Where(r => r.Status is >= 200 and < 300).ToArray();

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var status = receiver.Respond(Interlocked.Increment(ref receiver.count));
            receiver.requests.Enqueue(new ReceivedRequest(
                context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray(), status,
                DateTimeOffset.UtcNow));
            context.Response.StatusCode = status;
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
