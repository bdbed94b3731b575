using System.CommandLine;
using PortWarden.Hub;
using PortWarden.Hub.Auth;
using PortWarden.Storage;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden serve`: the hub (REST API, its own agent, sharded polls) on the embedded SQLite default or PostgreSQL.</summary>
internal static class ServeCommand
{
    public const string AdminKeyVariable = "PORTWARDEN_ADMIN_KEY";

    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var urls = new Option<string[]>("--urls")
        {
            Description = "Where to listen, e.g. http://127.0.0.1:5080 or https://0.0.0.0:5443 (repeatable). Default: http://127.0.0.1:5080.",
            HelpName = "url",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the hub keeps admin.key and its own agent's state. Default: beside the SQLite database.", HelpName = "dir" };
        var adminKey = new Option<string?>("--admin-key") { Description = $"An admin API key to accept (also ${AdminKeyVariable}). Without any, the hub writes a new one to admin.key.", HelpName = "key" };
        var cert = new Option<string?>("--cert") { Description = "HTTPS certificate: a PEM file (with --cert-key) or a PFX file.", HelpName = "file" };
        var certKey = new Option<string?>("--cert-key") { Description = "The PEM private key of --cert.", HelpName = "file" };
        var certPassword = new Option<string?>("--cert-password") { Description = "The password of a PFX --cert.", HelpName = "password" };
        var noLocalAgent = new Option<bool>("--no-local-agent") { Description = "Do not run an agent inside the hub (remote agents only)." };
        var shardLease = new Option<int>("--shard-lease") { Description = "Seconds an agent holds a shard without renewing it.", DefaultValueFactory = _ => 60, HelpName = "seconds" };
        var command = new Command("serve", "Run the hub: REST API, agents' gateway, sharded network polls, and (by default) an agent of its own.");
        foreach (var option in new Option[] { urls, dataDir, adminKey, cert, certKey, certPassword, noLocalAgent, shardLease })
        {
            command.Options.Add(option);
        }

        store.AddTo(command);
        shardLease.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 5 or > 86400)
            {
                result.AddError("--shard-lease must be between 5 and 86400 seconds.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("serve", streams, async () =>
        {
            var listen = parse.GetValue(urls) is { Length: > 0 } given ? given : ["http://127.0.0.1:5080"];
            foreach (var url in listen)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    throw new UsageException($"--urls '{url}' is not an http:// or https:// URL");
                }

                if (uri.Scheme == "https" && parse.GetValue(cert) is null)
                {
                    throw new UsageException($"--urls '{url}' is HTTPS: give its certificate with --cert");
                }
            }

            var location = StoreLocation.Resolve(parse.GetValue(store.Option));
            var options = new HubOptions
            {
                Urls = listen,
                DataDirectory = parse.GetValue(dataDir) ?? DefaultDataDirectory(location),
                AdminKey = parse.GetValue(adminKey) ?? Environment.GetEnvironmentVariable(AdminKeyVariable),
                CertificatePath = parse.GetValue(cert),
                CertificateKeyPath = parse.GetValue(certKey),
                CertificatePassword = parse.GetValue(certPassword),
                LocalAgent = !parse.GetValue(noLocalAgent),
                ShardLease = TimeSpan.FromSeconds(parse.GetValue(shardLease)),
            };
            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            var newKey = await AdminKeys.EnsureAsync(db, options, time, cancellationToken).ConfigureAwait(false);
            await using var app = await HubApp.BuildAsync(options, db, time, null, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await streams.Error.WriteLineAsync($"PortWarden hub listening on {string.Join(", ", listen)}; database {db.Location}").ConfigureAwait(false);
            if (newKey is not null)
            {
                await streams.Error.WriteLineAsync($"A new admin API key was written to {newKey} (send it as 'Authorization: Bearer <key>').").ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string DefaultDataDirectory(string location) =>
        location.Contains("://", StringComparison.Ordinal) || location.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            ? Path.Combine(Path.GetDirectoryName(StoreLocation.DefaultPath)!, "hub")
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(location))!, "hub");
}
