using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PortWarden.Agent.Wire;

namespace PortWarden.Agent;

/// <summary>The agent side of the hub's HTTP API (/api/v1/agent/...), authenticated with the agent's own credential.</summary>
public sealed class HttpHubConnection : IHubConnection, IDisposable
{
    private readonly HttpClient http;

    public HttpHubConnection(Uri hub, string? credential, X509Certificate2? trustedAuthority = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        http = new HttpClient(Handler(trustedAuthority)) { BaseAddress = hub, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-PortWarden-Version", typeof(HttpHubConnection).Assembly.GetName().Version?.ToString() ?? "unknown");
        if (credential is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
    }

    /// <summary>Exchanges a one-time enrolment token for this agent's id and credential.</summary>
    public async Task<EnrolResponse> EnrolAsync(EnrolRequest request, CancellationToken cancellationToken) =>
        await SendAsync<EnrolResponse>(HttpMethod.Post, "api/v1/agents/enrol", request, cancellationToken).ConfigureAwait(false)
            ?? throw new HubRejectedException(500, "the hub answered the enrolment with nothing");

    public async Task<IReadOnlyList<TrackerAssignment>> GetTrackersAsync(CancellationToken cancellationToken) =>
        await SendAsync<List<TrackerAssignment>>(HttpMethod.Get, "api/v1/agent/trackers", null, cancellationToken).ConfigureAwait(false) ?? [];

    public async Task<UploadReceipt> SubmitPollAsync(PollUpload upload, CancellationToken cancellationToken) =>
        await SendAsync<UploadReceipt>(HttpMethod.Post, "api/v1/agent/polls", upload, cancellationToken).ConfigureAwait(false)
            ?? throw new HubRejectedException(500, "the hub answered the upload with nothing");

    public Task<ShardAssignment?> LeaseShardAsync(CancellationToken cancellationToken) =>
        SendAsync<ShardAssignment>(HttpMethod.Post, "api/v1/agent/shards/lease", null, cancellationToken);

    public async Task<bool> RenewShardAsync(long shardId, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync<object>(HttpMethod.Post, $"api/v1/agent/shards/{shardId}/renew", null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HubRejectedException error) when (error.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public Task ReportProgressAsync(PollProgressReport report, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Post, $"api/v1/agent/polls/{report?.PollId}/progress", report, cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw new HubUnavailableException($"hub {http.BaseAddress} is unreachable: {error.Message}", error);
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubUnavailableException($"hub {http.BaseAddress} did not answer in time", error);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
            {
                return null;
            }

            if ((int)response.StatusCode >= 500)
            {
                throw new HubUnavailableException($"hub {http.BaseAddress} failed: {(int)response.StatusCode} {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HubRejectedException((int)response.StatusCode, $"hub refused {method} {path}: {(int)response.StatusCode} {await DetailAsync(response, cancellationToken).ConfigureAwait(false)}");
            }

            return await response.Content.ReadFromJsonAsync<T>(WireJson.Options, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length > 500 ? text[..500] : text;
    }

    /// <summary>Trusts the system's authorities, or only <paramref name="authority"/> when given (a private CA or the hub's own certificate).</summary>
    private static SocketsHttpHandler Handler(X509Certificate2? authority)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (authority is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }
}
