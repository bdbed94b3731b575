using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Wire;

namespace PortWarden.Hub.Tests;

/// <summary>
/// An HTTP proxy in front of a hub that passes every request on, but for the first poll upload that
/// <c>drop</c> picks it lets the hub answer and then breaks the connection instead of answering: the hub has
/// recorded the poll, the agent only sees a failed request (a lost acknowledgement).
/// </summary>
internal sealed class AnswerDroppingProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient hub;

    private AnswerDroppingProxy(WebApplication app, HttpClient hub)
    {
        this.app = app;
        this.hub = hub;
    }

    public string Url { get; private set; } = "";

    /// <summary>Polls whose answer was dropped (the hub's status is still recorded in <see cref="Answered"/> once an answer gets through).</summary>
    public ConcurrentBag<Guid> Dropped { get; } = [];

    /// <summary>Polls whose upload got an answer through to the agent.</summary>
    public ConcurrentDictionary<Guid, string> Answered { get; } = [];

    public static async Task<AnswerDroppingProxy> StartAsync(Uri target, Func<PollUpload, bool> drop, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new AnswerDroppingProxy(app, new HttpClient { BaseAddress = target });
        var dropping = 1;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString);
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body.ToArray());
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/json");
            }

            if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await proxy.hub.SendAsync(request, context.RequestAborted);
            var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            var upload = context.Request.Method == "POST" && context.Request.Path == "/api/v1/agent/polls" && body.Length > 0
                ? JsonSerializer.Deserialize<PollUpload>(body.ToArray(), WireJson.Options)
                : null;
            if (upload is not null && response.IsSuccessStatusCode && drop(upload) && Interlocked.Exchange(ref dropping, 0) == 1)
            {
                proxy.Dropped.Add(upload.PollId);
                context.Abort();
                return;
            }

            if (upload is not null)
            {
                proxy.Answered[upload.PollId] = $"{(int)response.StatusCode}";
            }

            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        proxy.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        hub.Dispose();
    }
}
