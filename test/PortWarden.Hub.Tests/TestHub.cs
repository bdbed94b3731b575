using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Wire;
using PortWarden.Core.Tracking;
using PortWarden.Hub.Auth;
using PortWarden.Storage.Sqlite;

namespace PortWarden.Hub.Tests;

/// <summary>A real hub on a loopback port with its own SQLite file, and an admin client for it.</summary>
internal sealed class TestHub : IAsyncDisposable
{
    public static readonly string AdminKey = "pwk_test-admin-key-0123456789abcdefghij";

    private readonly DirectoryInfo directory;
    private WebApplication? app;

    private TestHub(DirectoryInfo directory, IPortWardenStore store)
    {
        this.directory = directory;
        Store = store;
        Admin = new HttpClient();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public IPortWardenStore Store { get; }

    public HttpClient Admin { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string DataDirectory => Path.Combine(directory.FullName, "hub");

    public string DatabasePath => Path.Combine(directory.FullName, "hub.db");

    public static async Task<TestHub> StartAsync(HubOptions? options = null, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-hub-");
        var store = await SqliteStore.OpenAsync(Path.Combine(directory.FullName, "hub.db"), cancellationToken);
        var hub = new TestHub(directory, store);
        await hub.RunAsync(options, 0, cancellationToken);
        return hub;
    }

    /// <summary>Starts (or restarts, on the same port) the web application.</summary>
    public async Task RunAsync(HubOptions? options, int port, CancellationToken cancellationToken)
    {
        var settings = (options ?? new HubOptions { DataDirectory = DataDirectory, LocalAgent = false }) with
        {
            Urls = [$"{(options?.CertificatePath is null ? "http" : "https")}://127.0.0.1:{port}"],
            DataDirectory = DataDirectory,
            AdminKey = AdminKey,
        };
        await AdminKeys.EnsureAsync(Store, settings, TimeProvider.System, cancellationToken);
        app = await HubApp.BuildAsync(settings, Store, TimeProvider.System, logging => logging.SetMinimumLevel(LogLevel.Warning), cancellationToken);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.TrimEnd('/') + "/");
        if (Admin.BaseAddress != baseAddress)
        {
            Admin.BaseAddress = baseAddress;
        }

        BaseAddress = baseAddress;
    }

    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public async Task<T> PostAsync<T>(string path, object body)
    {
        var response = await Admin.PostAsJsonAsync(path, body, WireJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, WireJson.Options)!;
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Admin.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates a one-time enrolment token and enrols an agent with it: (agent id, credential).</summary>
    public async Task<EnrolResponse> EnrolAsync(string name)
    {
        var token = await PostAsync<JsonElement>("api/v1/enrollment-tokens", new { note = name });
        var response = await new HttpClient { BaseAddress = BaseAddress }.PostAsJsonAsync(
            "api/v1/agents/enrol", new EnrolRequest(token.GetProperty("token").GetString()!, name, "test"), WireJson.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EnrolResponse>(WireJson.Options))!;
    }

    public async Task<long> DeviceAsync(string name, string targets, params long[] agents) =>
        (await PostAsync<JsonElement>("api/v1/devices", new { name, kind = "host", targets, agentIds = agents })).GetProperty("id").GetInt64();

    public async Task<long> TrackerAsync(long device, string name, object? extra = null)
    {
        var body = JsonSerializer.SerializeToElement(new { deviceId = device, name, ports = "1-200" }, WireJson.Options);
        var merged = body.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra, WireJson.Options).EnumerateObject())
            {
                merged[property.Name] = property.Value;
            }
        }

        return (await PostAsync<JsonElement>("api/v1/trackers", merged)).GetProperty("id").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Store.DisposeAsync();
        Admin.Dispose();
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}
