using System.CommandLine;
using PortWarden.Cli.Service;

namespace PortWarden.Cli.Commands;

/// <summary>`portwarden service install|uninstall [hub|agent]`: a systemd unit on Linux, a Windows service on Windows.</summary>
internal static class ServiceCommand
{
    private const string WindowsAccount = @"NT AUTHORITY\LocalService";

    public static Command Create(CliStreams streams)
    {
        var command = new Command("service", "Install or remove the hub or an agent as a system service (systemd on Linux, the service manager on Windows).");
        command.Subcommands.Add(Install(streams));
        command.Subcommands.Add(Uninstall(streams));
        return command;
    }

    private static Command Install(CliStreams streams)
    {
        var role = RoleArgument();
        var dryRun = DryRun();
        var config = new Option<string?>("--config")
        {
            Description = $"The configuration file the service reads; written with defaults when missing. Default: {ServiceSetup.DefaultConfigFile}.",
            HelpName = "file",
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"The service's data directory (the only one it may write). Default: {ServiceSetup.DefaultDataDirectory}.",
            HelpName = "dir",
        };
        var user = new Option<string?>("--user")
        {
            Description = $"The account the service runs as; on Linux a system user, created when missing. Default: {ServiceSetup.DefaultUser} (Windows: {WindowsAccount}).",
            HelpName = "name",
        };
        var exec = new Option<string?>("--exec") { Description = "The portwarden executable the service starts. Default: the one running now.", HelpName = "path" };
        var unitDir = UnitDirectory();
        var root = StagingRoot();
        var rawSockets = new Option<bool>("--raw-sockets") { Description = "Linux: grant CAP_NET_RAW, for raw-socket scans (nmap SYN scans)." };
        var processOwners = new Option<bool>("--process-owners") { Description = "Linux: grant CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE, so self-scans name other users' programs." };
        var lowPorts = new Option<bool>("--low-ports") { Description = "Linux: grant CAP_NET_BIND_SERVICE, for hub URLs on ports below 1024." };
        var command = new Command("install", "Install the hub (default) or an agent as a service: on Linux a hardened systemd unit (Type=notify, its own user, no capabilities unless asked for), on Windows a service started at boot.")
        {
            role, dryRun, config, dataDir, user, exec, unitDir, root, rawSockets, processOwners, lowPorts,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("service install", streams, async () =>
        {
            var setup = new ServiceSetup(
                parse.GetValue(role)!,
                parse.GetValue(exec) is { } path ? ServiceExecutable.Given(path) : ServiceExecutable.Current(),
                parse.GetValue(config) ?? ServiceSetup.DefaultConfigFile,
                parse.GetValue(dataDir) ?? ServiceSetup.DefaultDataDirectory,
                parse.GetValue(user) ?? (OperatingSystem.IsWindows() ? WindowsAccount : ServiceSetup.DefaultUser),
                new ServiceCapabilities(parse.GetValue(rawSockets), parse.GetValue(processOwners), parse.GetValue(lowPorts)));
            var actions = OperatingSystem.IsWindows()
                ? ServicePlans.WindowsInstall(setup, setup.User, ScExe)
                : ServicePlans.SystemdInstall(setup, parse.GetValue(unitDir)!, parse.GetValue(root));
            await TakeAsync(actions, parse.GetValue(dryRun), parse.GetValue(root) is not null, streams, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(dryRun) && parse.GetValue(root) is null)
            {
                await streams.Out.WriteLineAsync(OperatingSystem.IsWindows()
                    ? $"Installed. Check {setup.ConfigFile}, then: sc.exe start {setup.Role.WindowsName}"
                    : $"Installed. Check {setup.ConfigFile}, then: systemctl enable --now {setup.Role.UnitName}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Uninstall(CliStreams streams)
    {
        var role = RoleArgument();
        var dryRun = DryRun();
        var unitDir = UnitDirectory();
        var root = StagingRoot();
        var command = new Command("uninstall", "Stop and remove the hub (default) or agent service. Its user, configuration and data are kept.") { role, dryRun, unitDir, root };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync("service uninstall", streams, async () =>
        {
            var actions = OperatingSystem.IsWindows()
                ? ServicePlans.WindowsUninstall(parse.GetValue(role)!, ScExe)
                : ServicePlans.SystemdUninstall(parse.GetValue(role)!, parse.GetValue(unitDir)!, parse.GetValue(root));
            await TakeAsync(actions, parse.GetValue(dryRun), parse.GetValue(root) is not null, streams, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static async Task TakeAsync(IReadOnlyList<ServiceAction> actions, bool dryRun, bool staging, CliStreams streams, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            await streams.Out.WriteLineAsync("Dry run: these steps would be taken (nothing is changed):").ConfigureAwait(false);
            foreach (var action in actions)
            {
                await streams.Out.WriteLineAsync("- " + action.Describe()).ConfigureAwait(false);
            }

            return;
        }

        if (!staging && !Environment.IsPrivilegedProcess)
        {
            throw new UsageException(OperatingSystem.IsWindows()
                ? "installing a service needs an elevated (administrator) prompt; --dry-run shows the steps"
                : "installing a service needs root; --dry-run shows the steps, --root DIR writes the files into a staging directory");
        }

        await ServiceActions.RunAsync(actions, streams.Out, cancellationToken).ConfigureAwait(false);
    }

    private static Argument<ServiceRole> RoleArgument() => new("role")
    {
        Description = "hub (portwarden serve) or agent (portwarden agent).",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => ServiceRole.Hub,
        CustomParser = result => result.Tokens.Count == 0 ? ServiceRole.Hub
            : ServiceRole.All.FirstOrDefault(role => role.Name == result.Tokens[0].Value) is { } known ? known
            : Fail(result, $"unknown service '{result.Tokens[0].Value}': hub or agent"),
    };

    private static ServiceRole Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return ServiceRole.Hub;
    }

    private static Option<bool> DryRun() => new("--dry-run") { Description = "Print the steps (and the unit file) instead of taking them." };

    private static Option<string> UnitDirectory() => new("--unit-dir")
    {
        Description = $"Linux: where the unit file goes. Default: {ServicePlans.SystemUnitDirectory}.",
        HelpName = "dir",
        DefaultValueFactory = _ => ServicePlans.SystemUnitDirectory,
    };

    private static Option<string?> StagingRoot() => new("--root")
    {
        Description = "Linux: write the files under this directory (a package's staging root) and change nothing else: no user, no systemctl.",
        HelpName = "dir",
    };

    private static string ScExe => Path.Combine(Environment.SystemDirectory, "sc.exe");
}
