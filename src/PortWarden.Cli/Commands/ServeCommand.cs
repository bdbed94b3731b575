using System.CommandLine;
using Microsoft.Extensions.Logging;
using PortWarden.Agent.Hosting;
using PortWarden.Cli.Configuration;
using PortWarden.Core.Alerts;
using PortWarden.Hub;
using PortWarden.Hub.Auth;
using PortWarden.Storage;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden serve`: the hub (REST API, its own agent, sharded polls) on the embedded SQLite default or PostgreSQL.</summary>
internal static class ServeCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var config = new ConfigOptions();
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where to listen, e.g. http://127.0.0.1:5080 or https://0.0.0.0:5443 (repeatable). Default: {HubSettings.DefaultUrl}.",
            HelpName = "url",
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the hub keeps admin.key and its own agent's state. Default: beside the SQLite database.", HelpName = "dir" };
        var adminKey = new Option<string?>("--admin-key") { Description = "An admin API key to accept (also $PORTWARDEN_ADMIN_KEY). Without any, the hub writes a new one to admin.key.", HelpName = "key" };
        var cert = new Option<string?>("--cert") { Description = "HTTPS certificate: a PEM file (with --cert-key) or a PFX file.", HelpName = "file" };
        var certKey = new Option<string?>("--cert-key") { Description = "The PEM private key of --cert.", HelpName = "file" };
        var certPassword = new Option<string?>("--cert-password") { Description = "The password of a PFX --cert.", HelpName = "password" };
        var noLocalAgent = new Option<bool>("--no-local-agent") { Description = "Do not run an agent inside the hub (remote agents only)." };
        var shardLease = new Option<int>("--shard-lease") { Description = "Seconds an agent holds a shard without renewing it (5-86400). Default: 60.", HelpName = "seconds" };
        var uploadSkew = new Option<int>("--upload-clock-skew") { Description = "Seconds an agent's poll may be dated ahead of the hub's clock before it is refused (0-86400). Default: 300.", HelpName = "seconds" };
        var alertAttempts = new Option<int>("--alert-max-attempts") { Description = "Attempts at one alert delivery before it is dead (1-100). Default: 8.", HelpName = "count" };
        var alertFirstRetry = new Option<int>("--alert-first-retry") { Description = "Seconds before an alert delivery's first retry; each failure doubles it. Default: 30.", HelpName = "seconds" };
        var alertMaxRetry = new Option<int>("--alert-max-retry") { Description = "The longest wait between two attempts at an alert delivery, in seconds. Default: 3600.", HelpName = "seconds" };
        var alertSendTimeout = new Option<int>("--alert-send-timeout") { Description = "Seconds one alert send may take before it counts as failed (1-600). Default: 30.", HelpName = "seconds" };
        var command = new Command("serve", "Run the hub: REST API, agents' gateway, sharded network polls, and (by default) an agent of its own.");
        foreach (var option in new Option[] { urls, dataDir, adminKey, cert, certKey, certPassword, noLocalAgent, shardLease, uploadSkew, alertAttempts, alertFirstRetry, alertMaxRetry, alertSendTimeout })
        {
            command.Options.Add(option);
        }

        store.AddTo(command);
        config.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("serve", streams, async () =>
        {
            var (settings, layers) = config.Load<HubSettings>(parse, command, HubSettings.Section);
            var rules = ConfiguredAlertRules.Read(layers);
            if (parse.GetValue(config.Check))
            {
                await ConfigOptions.WriteAsync(settings, HubSettings.Section, layers, streams.Out).ConfigureAwait(false);
                var names = rules.Count == 0 ? "(none)" : string.Join(", ", rules.Select(rule => $"{rule.Name} ({string.Join(", ", rule.Channels.Select(c => c.NameOrDefault))})"));
                await streams.Out.WriteLineAsync($"  {ConfiguredAlertRules.Section} = {names}{(rules.Count == 0 ? "" : $"  (from {layers.File})")}").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var location = StoreLocation.Resolve(settings.Db);
            var options = new HubOptions
            {
                Urls = settings.ListenUrls,
                DataDirectory = settings.DataDir ?? DefaultDataDirectory(location),
                AdminKey = settings.AdminKey,
                CertificatePath = settings.Certificate.Path,
                CertificateKeyPath = settings.Certificate.KeyPath,
                CertificatePassword = settings.Certificate.Password,
                LocalAgent = settings.LocalAgent,
                ShardLease = TimeSpan.FromSeconds(settings.ShardLeaseSeconds),
                UploadClockSkew = TimeSpan.FromSeconds(settings.UploadClockSkewSeconds),
                Alerts = settings.Alerts.ToOptions(),
            };
            await using var db = await Stores.OpenAsync(location, cancellationToken).ConfigureAwait(false);
            if (rules.Count > 0)
            {
                var applied = await AlertRuleSync.ApplyAsync(db, rules, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                await streams.Error.WriteLineAsync(
                    $"Alert rules from {layers.File}: {applied.Created} created, {applied.Updated} updated, {applied.Unchanged} unchanged.").ConfigureAwait(false);
            }

            ListenCheck.EnsureFree(options.Urls);
            var newKey = await AdminKeys.EnsureAsync(db, options, time, cancellationToken).ConfigureAwait(false);
            var logging = layers.Root.GetSection("Logging");
            await using var app = await HubApp.BuildAsync(options, db, time, builder =>
            {
                builder.AddServiceConsole();
                builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
                // The session keys sit in DATA-DIR/keys, readable by the hub's user only; the warning that they are not
                // encrypted at rest on top of that would greet every start.
                builder.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
                builder.AddConfiguration(logging);
            }, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await streams.Error.WriteLineAsync($"PortWarden hub listening on {string.Join(", ", options.Urls)}; database {db.Location}").ConfigureAwait(false);
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
