using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace PortWarden.Agent.Hosting;

/// <summary>
/// How the hub and the agent run under a service manager: systemd (Type=notify, journald-friendly log lines) or the
/// Windows service control manager; from a shell, as a console program. The same binary serves all three.
/// </summary>
public static class ServiceHosting
{
    /// <summary>
    /// Console logging for where the process runs: under systemd, one line per entry with its syslog priority
    /// (<c>&lt;6&gt;</c>) and no timestamp (journald stamps each line itself); elsewhere single lines.
    /// </summary>
    public static ILoggingBuilder AddServiceConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        return SystemdHelpers.IsSystemdService()
            ? logging.AddSystemdConsole()
            : logging.AddSimpleConsole(console => console.SingleLine = true);
    }

    /// <summary>
    /// Tells the service manager how the process is doing: READY=1 once started and STOPPING=1 on the way out under
    /// systemd, the service lifetime under Windows; no effect when started from a shell. Call it after the logging setup.
    /// </summary>
    public static IServiceCollection AddServiceLifetime(this IServiceCollection services) =>
        services.AddSystemd().AddWindowsService();
}
