using System.Diagnostics;
using PortWarden.NetLab;

namespace PortWarden.Scanning.Tests.Udp;

/// <summary>A real server program (from Debian's packages) running inside a lab host until disposed; ended by its own pid.</summary>
internal sealed class LabServer : IAsyncDisposable
{
    private static readonly string[] Directories = ["/usr/sbin", "/usr/bin"];
    private readonly Process process;

    private LabServer(Process process) => this.process = process;

    public static LabServer Start(LabHost host, string program, params string[] arguments)
    {
        var path = Directories.Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{program} is not installed (.ci/run installs it: apt-get install dnsmasq-base chrony memcached snmpd)");
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "netns", "exec", host.Namespace, path }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LabServer(process);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }
}
