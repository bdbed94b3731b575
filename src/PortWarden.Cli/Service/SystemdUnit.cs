using System.Text;

namespace PortWarden.Cli.Service;

/// <summary>
/// The systemd unit of a hub or agent: Type=notify (the process says READY=1 once it serves), a dedicated user,
/// a read-only view of the system except its data directory, and no capabilities unless a feature needs one.
/// </summary>
internal static class SystemdUnit
{
    public static string FileName(ServiceRole role) => role.UnitName + ".service";

    public static string Render(ServiceSetup setup)
    {
        var capabilities = setup.Capabilities.Names;
        var families = "AF_UNIX AF_INET AF_INET6 AF_NETLINK" + (setup.Capabilities.RawSockets ? " AF_PACKET" : "");
        var unit = new StringBuilder();
        unit.Append(CultureInvariant($"""
            # Written by 'portwarden service install {setup.Role.Name}'. Settings live in {setup.ConfigFile}.
            [Unit]
            Description={setup.Role.Summary}
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=notify
            ExecStart={string.Join(' ', new[] { setup.Executable.Program }.Concat(setup.Arguments).Select(Quote))}
            User={setup.User}
            Group={setup.User}
            Restart=on-failure
            RestartSec=5
            # 130 and 143: stopped by SIGINT or SIGTERM before the host took over the signal.
            SuccessExitStatus=130 143
            UMask=0027

            """));
        if (setup.DataDirectory == ServiceSetup.DefaultDataDirectory)
        {
            unit.Append("# systemd creates /var/lib/portwarden, owned by the service's user, and leaves it writable.\n");
            unit.Append("StateDirectory=portwarden\nStateDirectoryMode=0750\n");
        }
        else
        {
            unit.Append(CultureInvariant($"ReadWritePaths={Quote(setup.DataDirectory)}\n"));
        }

        unit.Append(CultureInvariant($"""
            # Single-file builds unpack their native libraries (SQLite) here rather than in a home directory.
            CacheDirectory=portwarden
            Environment=DOTNET_BUNDLE_EXTRACT_BASE_DIR=%C/portwarden

            """));
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && setup.Executable.Prefix.Count == 0)
        {
            unit.Append(CultureInvariant($"Environment={Quote("DOTNET_ROOT=" + dotnetRoot)}\n"));
        }

        unit.Append(CultureInvariant($"""

            # Hardening: see 'systemd-analyze security {FileName(setup.Role)}'.
            NoNewPrivileges=yes
            ProtectSystem=strict
            ProtectHome={(setup.Executable.UnderHome ? "read-only" : "yes")}
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            ProtectClock=yes
            ProtectHostname=yes
            RestrictNamespaces=yes
            RestrictRealtime=yes
            RestrictSUIDSGID=yes
            LockPersonality=yes
            RemoveIPC=yes
            PrivateMounts=yes
            RestrictAddressFamilies={families}
            SystemCallArchitectures=native
            SystemCallFilter=@system-service
            SystemCallErrorNumber=EPERM
            # Capabilities: {(capabilities.Count == 0 ? "none (no raw sockets, no other users' processes, no ports below 1024)" : string.Join(", ", capabilities))}.
            CapabilityBoundingSet={string.Join(' ', capabilities)}
            AmbientCapabilities={string.Join(' ', capabilities)}

            [Install]
            WantedBy=multi-user.target

            """));
        return unit.ToString();
    }

    /// <summary>One word of a command line as systemd reads it: quoted when needed; % and $ escaped, so nothing is expanded.</summary>
    public static string Quote(string word)
    {
        var escaped = word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        return escaped.Length > 0 && !escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';')
            ? escaped
            : "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
