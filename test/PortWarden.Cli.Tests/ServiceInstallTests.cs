using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PortWarden.Cli.Service;

namespace PortWarden.Cli.Tests;

/// <summary>`portwarden service install|uninstall`: units written into a staging root (never /etc/systemd), checked by systemd itself.</summary>
public sealed partial class ServiceInstallTests : IDisposable
{
    /// <summary>The portwarden executable beside the tests: ExecStart must name a real program for systemd-analyze.</summary>
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "portwarden");

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("portwarden-service-");

    public void Dispose() => root.Delete(recursive: true);

    private string Unit(string role) => Path.Combine(root.FullName, "etc/systemd/system", $"portwarden-{role}.service");

    [Theory]
    [InlineData("hub")]
    [InlineData("agent")]
    public async Task The_unit_passes_systemd_analyze_verify_without_a_warning(string role)
    {
        var run = await Cli.RunAsync("service", "install", role, "--root", root.FullName, "--exec", Executable);

        Assert.True(run.ExitCode == 0, run.ToString());
        var (code, output) = await SystemdAnalyzeAsync("verify", Unit(role));
        Assert.True(code == 0 && output.Length == 0, $"systemd-analyze verify: exit {code}\n{output}\n{await File.ReadAllTextAsync(Unit(role), TestContext.Current.CancellationToken)}");
        var unit = await File.ReadAllTextAsync(Unit(role), TestContext.Current.CancellationToken);
        Assert.Contains($"ExecStart={Executable} {(role == "hub" ? "serve" : "agent")} --config /etc/portwarden/portwarden.json\n", unit);
        Assert.Contains("Type=notify\n", unit);
        Assert.Contains("User=portwarden\n", unit);
    }

    [Fact]
    public async Task The_unit_is_hardened_and_has_no_capabilities_unless_asked()
    {
        await Cli.RunAsync("service", "install", "hub", "--root", root.FullName, "--exec", Executable);
        var plain = await File.ReadAllTextAsync(Unit("hub"), TestContext.Current.CancellationToken);
        await Cli.RunAsync("service", "install", "agent", "--root", root.FullName, "--exec", Executable, "--raw-sockets");
        var raw = await File.ReadAllTextAsync(Unit("agent"), TestContext.Current.CancellationToken);

        foreach (var line in new[] { "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "Restart=on-failure", "StateDirectory=portwarden" })
        {
            Assert.Contains(line + "\n", plain);
        }

        Assert.Contains("CapabilityBoundingSet=\nAmbientCapabilities=\n", plain);
        Assert.Contains("CapabilityBoundingSet=CAP_NET_RAW\nAmbientCapabilities=CAP_NET_RAW\n", raw);
        Assert.Contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET\n", raw);
        Assert.DoesNotContain("AF_PACKET", plain);

        // systemd's own rating of the sandbox: "OK" starts below 5.0; this unit should stay well inside it.
        var (_, security) = await SystemdAnalyzeAsync("security", "--offline=true", Unit("hub"));
        var exposure = double.Parse(ExposureLevel().Match(security).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure < 4.0, security);
    }

    [Fact]
    public async Task A_data_directory_of_ones_own_is_the_only_writable_path()
    {
        await Cli.RunAsync("service", "install", "hub", "--root", root.FullName, "--exec", Executable, "--data-dir", "/srv/port warden");

        var unit = await File.ReadAllTextAsync(Unit("hub"), TestContext.Current.CancellationToken);
        var config = await File.ReadAllTextAsync(Path.Combine(root.FullName, "etc/portwarden/portwarden.json"), TestContext.Current.CancellationToken);

        Assert.Contains("ReadWritePaths=\"/srv/port warden\"\n", unit);
        Assert.DoesNotContain("StateDirectory=", unit);
        Assert.Contains("\"Db\": \"/srv/port warden/hub/portwarden.db\"", config);
        Assert.Equal(0, (await SystemdAnalyzeAsync("verify", Unit("hub"))).Code);
    }

    [Fact]
    public async Task The_configuration_it_writes_is_valid_and_kept_when_it_exists()
    {
        await Cli.RunAsync("service", "install", "hub", "--root", root.FullName, "--exec", Executable);
        var config = Path.Combine(root.FullName, "etc/portwarden/portwarden.json");

        var hub = await Cli.RunAsync("serve", "--config", config, "--check-config");
        var agent = await Cli.RunAsync("agent", "--config", config, "--check-config");
        await File.WriteAllTextAsync(config, """{ "Hub": { "LocalAgent": false } }""", TestContext.Current.CancellationToken);
        await Cli.RunAsync("service", "install", "agent", "--root", root.FullName, "--exec", Executable);

        Assert.True(hub.ExitCode == 0, hub.ToString());
        Assert.Contains($"Hub:Db = /var/lib/portwarden/hub/portwarden.db  (from {config})", hub.Output);
        Assert.Contains($"Agent:DataDir = /var/lib/portwarden/agent  (from {config})", agent.Output);
        Assert.Equal("""{ "Hub": { "LocalAgent": false } }""", await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_dry_run_prints_the_steps_and_changes_nothing()
    {
        var unitDir = Path.Combine(root.FullName, "units");

        var run = await Cli.RunAsync("service", "install", "agent", "--dry-run", "--unit-dir", unitDir, "--exec", Executable, "--config", Path.Combine(root.FullName, "pw.json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("unless 'getent passwd portwarden' succeeds, run: useradd --system", run.Output);
        Assert.Contains($"- write {unitDir}/portwarden-agent.service:\n    # Written by 'portwarden service install agent'", run.Output);
        Assert.Contains("run: systemctl daemon-reload", run.Output);
        Assert.Empty(root.GetFileSystemInfos());
    }

    [Fact]
    public async Task Uninstall_removes_the_unit_and_keeps_the_configuration()
    {
        await Cli.RunAsync("service", "install", "hub", "--root", root.FullName, "--exec", Executable);

        var run = await Cli.RunAsync("service", "uninstall", "hub", "--root", root.FullName);
        var dryRun = await Cli.RunAsync("service", "uninstall", "agent", "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(Unit("hub")));
        Assert.True(File.Exists(Path.Combine(root.FullName, "etc/portwarden/portwarden.json")));
        Assert.Contains("run: systemctl disable --now portwarden-agent.service (a failure is ignored)", dryRun.Output);
    }

    [Fact]
    public async Task An_unknown_service_or_a_relative_executable_is_refused()
    {
        var unknown = await Cli.RunAsync("service", "install", "database", "--root", root.FullName);
        var relative = await Cli.RunAsync("service", "install", "hub", "--root", root.FullName, "--exec", "bin/portwarden");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown service 'database': hub or agent", unknown.Error);
        Assert.Equal(2, relative.ExitCode);
        Assert.Contains("--exec 'bin/portwarden' is not an absolute path", relative.Error);
        Assert.Empty(root.GetFileSystemInfos());
    }

    [Fact]
    public void On_Windows_the_service_is_registered_with_sc_exe_to_start_at_boot_and_restart_after_failures()
    {
        var setup = new ServiceSetup(ServiceRole.Agent, new ServiceExecutable(@"C:\Program Files\PortWarden\portwarden.exe", []),
            @"C:\ProgramData\PortWarden\portwarden.json", @"C:\ProgramData\PortWarden", @"NT AUTHORITY\LocalService", ServiceCapabilities.None);

        var steps = ServicePlans.WindowsInstall(setup, setup.User, @"C:\Windows\system32\sc.exe").OfType<RunAction>().ToList();

        var create = steps.Single(step => step.Arguments[0] == "create");
        Assert.Equal(["create", "PortWardenAgent", "binPath=", @"""C:\Program Files\PortWarden\portwarden.exe"" agent --config C:\ProgramData\PortWarden\portwarden.json",
            "start=", "auto", "obj=", @"NT AUTHORITY\LocalService", "DisplayName=", "PortWarden agent"], create.Arguments);
        Assert.Contains(steps, step => step.Arguments is ["failure", "PortWardenAgent", "reset=", "86400", "actions=", "restart/5000/restart/5000/restart/60000"]);
        Assert.Contains(steps, step => step.Program == "icacls" && step.Arguments[^1] == @"NT AUTHORITY\LocalService:(OI)(CI)M");
        Assert.Equal(["stop", "delete"], ServicePlans.WindowsUninstall(ServiceRole.Agent, "sc.exe").OfType<RunAction>().Select(step => step.Arguments[0]));
    }

    private static async Task<(int Code, string Output)> SystemdAnalyzeAsync(params string[] args)
    {
        var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return (process.ExitCode, (await output + await error).Trim());
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d)")]
    private static partial Regex ExposureLevel();
}
