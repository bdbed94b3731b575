namespace PortWarden.Cli.Service;

/// <summary>The steps that install or remove a hub or agent service, for systemd or for Windows.</summary>
internal static class ServicePlans
{
    public const string SystemUnitDirectory = "/etc/systemd/system";

    /// <summary>
    /// systemd: the unit file; then, unless staging into <paramref name="root"/>: the user, the configuration file (if
    /// missing, readable by the user's group only), a custom data directory, and a reload of systemd.
    /// </summary>
    public static IReadOnlyList<ServiceAction> SystemdInstall(ServiceSetup setup, string unitDirectory, string? root)
    {
        var actions = new List<ServiceAction>
        {
            new WriteFileAction(Rooted(root, Path.Combine(unitDirectory, SystemdUnit.FileName(setup.Role))), SystemdUnit.Render(setup)),
            new WriteFileAction(Rooted(root, setup.ConfigFile), setup.DefaultConfiguration(), KeepExisting: true,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead),
        };
        if (root is not null)
        {
            return actions;
        }

        actions.Insert(0, new RunAction("useradd", ["--system", "--user-group", "--home-dir", setup.DataDirectory, "--no-create-home", "--shell", "/usr/sbin/nologin", setup.User],
            Unless: new RunAction("getent", ["passwd", setup.User])));
        actions.Add(new RunAction("chgrp", [setup.User, setup.ConfigFile]));
        if (setup.DataDirectory != ServiceSetup.DefaultDataDirectory)
        {
            actions.Add(new RunAction("install", ["-d", "-m", "0750", "-o", setup.User, "-g", setup.User, setup.DataDirectory]));
        }

        actions.Add(new RunAction("systemctl", ["daemon-reload"]));
        return actions;
    }

    public static IReadOnlyList<ServiceAction> SystemdUninstall(ServiceRole role, string unitDirectory, string? root)
    {
        var unit = SystemdUnit.FileName(role);
        var delete = new DeleteFileAction(Rooted(root, Path.Combine(unitDirectory, unit)));
        return root is not null
            ? [delete]
            : [new RunAction("systemctl", ["disable", "--now", unit], IgnoreFailure: true), delete, new RunAction("systemctl", ["daemon-reload"])];
    }

    /// <summary>
    /// Windows: the configuration file (if missing), the data directory writable by the service's account, and the
    /// service registered with sc.exe: started at boot, restarted after a failure.
    /// </summary>
    public static IReadOnlyList<ServiceAction> WindowsInstall(ServiceSetup setup, string account, string scExe)
    {
        var name = setup.Role.WindowsName;
        var binPath = string.Join(' ', new[] { setup.Executable.Program }.Concat(setup.Arguments).Select(WindowsQuote));
        return
        [
            new WriteFileAction(setup.ConfigFile, setup.DefaultConfiguration(), KeepExisting: true),
            new CreateDirectoryAction(setup.DataDirectory),
            new RunAction("icacls", [setup.DataDirectory, "/grant", $"{account}:(OI)(CI)M"]),
            new RunAction(scExe, ["create", name, "binPath=", binPath, "start=", "auto", "obj=", account, "DisplayName=", $"PortWarden {setup.Role.Name}"]),
            new RunAction(scExe, ["description", name, setup.Role.Summary]),
            new RunAction(scExe, ["failure", name, "reset=", "86400", "actions=", "restart/5000/restart/5000/restart/60000"]),
        ];
    }

    public static IReadOnlyList<ServiceAction> WindowsUninstall(ServiceRole role, string scExe) =>
    [
        new RunAction(scExe, ["stop", role.WindowsName], IgnoreFailure: true),
        new RunAction(scExe, ["delete", role.WindowsName]),
    ];

    /// <summary>A path inside a staging root (for packaging), or the path itself.</summary>
    private static string Rooted(string? root, string path) => root is null ? path : Path.Combine(root, path.TrimStart('/'));

    private static string WindowsQuote(string word) => word.Contains(' ', StringComparison.Ordinal) || word.Length == 0 ? $"\"{word}\"" : word;
}
