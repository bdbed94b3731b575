using System.CommandLine;
using System.Globalization;
using PortWarden.Cli.Output;
using PortWarden.Core.Users;
using PortWarden.Hub.Auth;
using Spectre.Console;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden users add|list|remove|passwd|disable|enable`: who may log in to the dashboard and API with a name and password.</summary>
internal static class UsersCommand
{
    public static Command Create(CliStreams streams, TimeProvider time)
    {
        var command = new Command("users", "Manage the hub's users: people who log in to the dashboard and API with a name and password (role admin or viewer).");
        command.Subcommands.Add(Add(streams, time));
        command.Subcommands.Add(List(streams));
        command.Subcommands.Add(Remove(streams));
        command.Subcommands.Add(Passwd(streams));
        command.Subcommands.Add(SetDisabled(streams, disabled: true));
        command.Subcommands.Add(SetDisabled(streams, disabled: false));
        return command;
    }

    private static Command Add(CliStreams streams, TimeProvider time)
    {
        var store = new StoreOption();
        var name = NameArgument();
        var role = new Option<string>("--role")
        {
            Description = "admin (everything the admin key can do) or viewer (read only).",
            DefaultValueFactory = _ => "viewer",
            HelpName = "admin|viewer",
        };
        var password = new PasswordInput();
        var command = new Command("add", $"Add a user (asks for the password, at least {UserRules.MinimumPasswordLength} characters).") { name };
        command.Options.Add(role);
        password.AddTo(command);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("users add", streams, async () =>
        {
            var userName = ValidName(parse.GetValue(name));
            var userRole = UserRules.ParseRole(parse.GetValue(role))
                ?? throw new UsageException($"--role: '{parse.GetValue(role)}' is not a role; use admin or viewer");
            var hash = new PasswordHashing().Hash(await password.ReadAsync(parse, streams, cancellationToken).ConfigureAwait(false));
            await using var db = await store.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
            if (await db.FindUserAsync(userName, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                throw new UsageException($"a user named '{existing.User.Name}' exists already (see 'portwarden users list')");
            }

            var added = await db.AddUserAsync(userName, userRole, hash, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await streams.Out.WriteLineAsync($"Added user '{added.Name}' ({added.Role.Name()}).".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command List(CliStreams streams)
    {
        var store = new StoreOption();
        var format = new Option<OutputFormat>("--format", "-f") { Description = "Output: table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("list", "List users (never their passwords).");
        command.Options.Add(format);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("users list", streams, async () =>
        {
            await using var db = await store.OpenForReadingAsync(parse, cancellationToken).ConfigureAwait(false);
            var users = await db.ListUsersAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                var json = System.Text.Json.JsonSerializer.Serialize(users.Select(u => new { name = u.Name, role = u.Role.Name(), disabled = u.Disabled, createdAt = u.CreatedAt }));
                await streams.Out.WriteLineAsync(json.AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var console = Consoles.For(streams.Out, streams.OutIsTerminal);
            if (users.Count == 0)
            {
                console.WriteLine("No users.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "ROLE", "STATUS", "CREATED");
            foreach (var user in users)
            {
                table.AddRow(Markup.Escape(user.Name), user.Role.Name(), user.Disabled ? "disabled" : "active",
                    user.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(CliStreams streams)
    {
        var store = new StoreOption();
        var name = NameArgument();
        var command = new Command("remove", "Remove a user; their sessions end at their next request.") { name };
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("users remove", streams, async () =>
        {
            var userName = parse.GetValue(name)!;
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            if (!await db.RemoveUserAsync(userName, cancellationToken).ConfigureAwait(false))
            {
                throw Unknown(userName);
            }

            await streams.Out.WriteLineAsync($"Removed user '{userName}'.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Passwd(CliStreams streams)
    {
        var store = new StoreOption();
        var name = NameArgument();
        var password = new PasswordInput();
        var command = new Command("passwd", "Set a user's password (asks for it); their other sessions end.") { name };
        password.AddTo(command);
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("users passwd", streams, async () =>
        {
            var userName = parse.GetValue(name)!;
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            _ = await db.FindUserAsync(userName, cancellationToken).ConfigureAwait(false) ?? throw Unknown(userName);
            var hash = new PasswordHashing().Hash(await password.ReadAsync(parse, streams, cancellationToken).ConfigureAwait(false));
            var updated = await db.UpdateUserAsync(userName, new UserChange { PasswordHash = hash }, cancellationToken).ConfigureAwait(false) ?? throw Unknown(userName);
            await streams.Out.WriteLineAsync($"Changed the password of '{updated.Name}'.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command SetDisabled(CliStreams streams, bool disabled)
    {
        var store = new StoreOption();
        var name = NameArgument();
        var verb = disabled ? "disable" : "enable";
        var command = new Command(verb, disabled
            ? "Disable a user: they cannot log in, and their sessions end at their next request."
            : "Enable a disabled user again.") { name };
        store.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync($"users {verb}", streams, async () =>
        {
            var userName = parse.GetValue(name)!;
            await using var db = await store.OpenExistingAsync(parse, cancellationToken).ConfigureAwait(false);
            var updated = await db.UpdateUserAsync(userName, new UserChange { Disabled = disabled }, cancellationToken).ConfigureAwait(false) ?? throw Unknown(userName);
            await streams.Out.WriteLineAsync($"{(disabled ? "Disabled" : "Enabled")} user '{updated.Name}'.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The user's name (letters, digits and . _ - @; any case)." };

    private static string ValidName(string? name) => UserRules.NameProblem(name) is { } problem ? throw new UsageException(problem) : name!;

    private static UsageException Unknown(string name) => new($"unknown user '{name}' (see 'portwarden users list')");
}
