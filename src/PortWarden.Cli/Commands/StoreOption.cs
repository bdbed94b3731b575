using System.CommandLine;
using PortWarden.Core.Tracking;
using PortWarden.Storage;
using PortWarden.Storage.Postgres;

namespace PortWarden.Cli.Commands;

/// <summary>The --db option every command that reads or writes history shares.</summary>
internal sealed class StoreOption
{
    public Option<string?> Option { get; } = new("--db")
    {
        Description = $"Database: a SQLite file, or PostgreSQL (postgres://user:password@host:port/db or Host=...;Database=...). Default: ${StoreLocation.Variable}, else {StoreLocation.DefaultPath}.",
        HelpName = "path|url",
    };

    public void AddTo(Command command) => command.Options.Add(Option);

    /// <summary>Opens the store; call it only after all other input is validated, so bad input never creates or touches a database.</summary>
    public Task<IPortWardenStore> OpenAsync(ParseResult parse, CancellationToken cancellationToken) =>
        Stores.OpenAsync(parse.GetValue(Option), cancellationToken);

    /// <summary>Opens the store only if the database already exists: read-only commands must not create one.</summary>
    public async Task<IPortWardenStore> OpenExistingAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Resolve(parse.GetValue(Option));
        if (!PostgresLocation.Matches(location) && !File.Exists(location))
        {
            throw new StoreException($"no database at '{location}' yet: run 'portwarden track' first, or pass --db");
        }

        return await Stores.OpenAsync(location, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an existing database for a command that only reads: it works on a file this user may not write.</summary>
    public Task<IPortWardenStore> OpenForReadingAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var location = StoreLocation.Resolve(parse.GetValue(Option));
        if (!PostgresLocation.Matches(location) && !File.Exists(location))
        {
            throw new StoreException($"no database at '{location}' yet: run 'portwarden track' first, or pass --db");
        }

        return Stores.OpenReadOnlyAsync(location, cancellationToken);
    }

    /// <summary>The device called <paramref name="name"/>, or a clear error naming it.</summary>
    public static async Task<Device> FindDeviceAsync(IPortWardenStore store, string name, CancellationToken cancellationToken) =>
        await store.FindDeviceAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new UsageException($"unknown device '{name}' (see 'portwarden devices')");
}
