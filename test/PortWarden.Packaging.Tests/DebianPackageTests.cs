namespace PortWarden.Packaging.Tests;

/// <summary>The .deb: its control data and contents, and an installation into a scratch root (never this machine's /).</summary>
[Collection(PackagingTests.Name)]
public sealed class DebianPackageTests(BuiltArtifacts artifacts) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("portwarden-dpkg-root-");

    public void Dispose() => scratch.Delete(recursive: true);

    [Fact]
    public async Task Its_control_data_names_the_package_its_conffile_and_maintainer_scripts()
    {
        var info = await Shell.RunAsync("dpkg-deb", ["-I", artifacts.Deb], Limit);
        var conffiles = await Shell.RunAsync("dpkg-deb", ["-I", artifacts.Deb, "conffiles"], Limit);

        Assert.True(info.ExitCode == 0, info.ToString());
        foreach (var field in new[] { "Package: portwarden", "Version: 0.1.0", "Architecture: amd64", "Depends: adduser" })
        {
            Assert.Contains(field + "\n", info.Output);
        }

        Assert.Equal("/etc/portwarden/portwarden.json", conffiles.Output.Trim());
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            Assert.Contains(script, info.Output);
        }
    }

    [Fact]
    public async Task It_holds_the_binary_the_units_the_configuration_and_the_docs()
    {
        var contents = await Shell.RunAsync("dpkg-deb", ["-c", artifacts.Deb], Limit);

        Assert.True(contents.ExitCode == 0, contents.ToString());
        Assert.Matches(@"-rwxr-xr-x root/root +\d+ .* \./usr/bin/portwarden\n", contents.Output);
        foreach (var file in new[] { "./lib/systemd/system/portwarden-hub.service", "./lib/systemd/system/portwarden-agent.service",
            "./etc/portwarden/portwarden.json", "./usr/share/doc/portwarden/install.md", "./usr/share/doc/portwarden/portwarden.example.json" })
        {
            Assert.Contains(" " + file + "\n", contents.Output);
        }
    }

    [Fact]
    public async Task It_installs_into_a_scratch_root_where_its_binary_runs_and_its_units_and_configuration_are_valid()
    {
        var root = scratch.FullName;
        Directory.CreateDirectory(Path.Combine(root, "var/lib/dpkg/updates"));
        Directory.CreateDirectory(Path.Combine(root, "var/lib/dpkg/info"));
        await File.WriteAllTextAsync(Path.Combine(root, "var/lib/dpkg/status"), "", TestContext.Current.CancellationToken);

        // --unpack: the files and dpkg's record of them. Configuring would run postinst (adduser) inside the root,
        // which has no system to run it with; the script's syntax is checked below instead.
        var unpack = await Shell.RunAsync("dpkg", ["--root", root, "--unpack", artifacts.Deb], Limit);
        var status = await Shell.RunAsync("dpkg", ["--root", root, "-s", "portwarden"], Limit);
        var binary = Path.Combine(root, "usr/bin/portwarden");
        var version = await Shell.RunAsync(binary, ["--version"], Limit);
        // Until configured, dpkg keeps a new conffile beside its place, as .dpkg-new.
        var config = Path.Combine(root, "etc/portwarden/portwarden.json.dpkg-new");
        var hub = await Shell.RunAsync(binary, ["serve", "--config", config, "--check-config"], Limit);
        var agent = await Shell.RunAsync(binary, ["agent", "--config", config, "--check-config"], Limit);

        Assert.True(unpack.ExitCode == 0, unpack.ToString());
        Assert.Contains("Status: install ok unpacked\n", status.Output);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith("0.1.0", version.Output, StringComparison.Ordinal);
        Assert.True(hub.ExitCode == 0, hub.ToString());
        Assert.Contains($"Hub:Db = /var/lib/portwarden/hub/portwarden.db  (from {config})", hub.Output);
        Assert.Contains($"Agent:DataDir = /var/lib/portwarden/agent  (from {config})", agent.Output);

        foreach (var role in new[] { "hub", "agent" })
        {
            var unit = await File.ReadAllTextAsync(Path.Combine(root, $"lib/systemd/system/portwarden-{role}.service"), TestContext.Current.CancellationToken);
            Assert.Contains($"ExecStart=/usr/bin/portwarden {(role == "hub" ? "serve" : "agent")} --config /etc/portwarden/portwarden.json\n", unit);
            // systemd-analyze checks that ExecStart exists: point it at the unpacked binary, everything else as packaged.
            var copy = Path.Combine(root, $"portwarden-{role}.service");
            await File.WriteAllTextAsync(copy, unit.Replace("ExecStart=/usr/bin/portwarden", "ExecStart=" + binary, StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var verify = await Shell.RunAsync("systemd-analyze", ["verify", copy], Limit);
            Assert.True(verify.ExitCode == 0 && verify.Output.Length + verify.Error.Length == 0, verify.ToString());
        }

        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            var syntax = await Shell.RunAsync("sh", ["-n", Path.Combine(root, "var/lib/dpkg/info", $"portwarden.{script}")], Limit);
            Assert.True(syntax.ExitCode == 0, $"{script}: {syntax}");
        }
    }
}
