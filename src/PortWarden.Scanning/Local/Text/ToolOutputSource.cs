using System.ComponentModel;
using System.Diagnostics;
using PortWarden.Core.Scanning;
using PortWarden.Scanning.Local.Linux;
using PortWarden.Scanning.Local.Windows;

namespace PortWarden.Scanning.Local.Text;

/// <summary>
/// The fallback: runs a socket tool (ss, netstat) and parses what it prints. The tools name only a pid and a short
/// process name, so each owner is completed from the OS (Linux /proc, Windows process list) where it can be.
/// </summary>
internal sealed class ToolOutputSource(
    string program,
    string[] arguments,
    Func<TextReader, string, LocalPortFilter, LocalWarnings, IEnumerable<LocalSocket>> parse) : ILocalSocketSource
{
    /// <summary>`ss -tulpn` (iproute2).</summary>
    public static ToolOutputSource Ss() => new("ss", ["-tulpn"], SsOutput.Parse);

    /// <summary>`netstat -tulpnW` (Linux net-tools; -W keeps IPv6 addresses whole).</summary>
    public static ToolOutputSource NetstatLinux() => new("netstat", ["-tulpnW"], NetstatLinuxOutput.Parse);

    /// <summary>`netstat -ano` (Windows).</summary>
    public static ToolOutputSource NetstatWindows() => new("netstat", ["-ano"], NetstatWindowsOutput.Parse);

    public string Name => $"{program} {string.Join(' ', arguments)}";

    public IReadOnlyList<LocalSocket> Read(LocalPortFilter ports, LocalWarnings warnings, CancellationToken cancellationToken)
    {
        var output = Run(cancellationToken);
        using var reader = new StringReader(output);
        var sockets = parse(reader, Name, ports, warnings).ToList();
        return Complete(sockets);
    }

    private string Run(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A fixed locale, so that headers and states read as the parsers expect where the tool translates them.
        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new LocalSourceUnavailableException($"{program} did not start");
        }
        catch (Win32Exception error)
        {
            throw new LocalSourceUnavailableException($"{program} is not installed ({error.Message})", error);
        }

        using (process)
        using (cancellationToken.Register(() => Kill(process)))
        {
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
            {
                var message = error.IsCompletedSuccessfully ? error.Result.Trim() : "";
                throw new LocalSourceUnavailableException($"{Name} exited with code {process.ExitCode}{(message.Length > 0 ? $": {message}" : "")}");
            }

            return output;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Adds what the tool does not print: full name, executable path and user (Linux), name and path (Windows).</summary>
    private static List<LocalSocket> Complete(List<LocalSocket> sockets)
    {
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc/self"))
        {
            var describer = new ProcessDescriber("/proc");
            return sockets.Select(socket => socket.Process is { } owner
                ? socket with { Process = describer.Describe(owner.Pid, owner.Name) }
                : socket).ToList();
        }

        if (OperatingSystem.IsWindows())
        {
            var processes = new WindowsProcesses();
            return sockets.Select(socket => socket.Process is { } owner
                ? socket with { Process = Merge(owner, processes.Describe(owner.Pid)) }
                : socket).ToList();
        }

        return sockets;
    }

    private static OwningProcess Merge(OwningProcess printed, OwningProcess described) =>
        described with { Name = described.Name ?? printed.Name };
}
