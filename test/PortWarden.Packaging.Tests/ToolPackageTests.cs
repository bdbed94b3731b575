namespace PortWarden.Packaging.Tests;

/// <summary>The dotnet tool package installs into a tool path and its `portwarden` command runs.</summary>
[Collection(PackagingTests.Name)]
public sealed class ToolPackageTests(BuiltArtifacts artifacts) : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-tool-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task The_tool_installs_into_a_tool_path_and_reports_its_version()
    {
        // Only the local package source: the install must not depend on (or pick up) anything from a public feed.
        var config = Path.Combine(directory.FullName, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="artifacts" value="{artifacts.ToolPackages}" /></packageSources></configuration>
            """, TestContext.Current.CancellationToken);
        var tools = Path.Combine(directory.FullName, "tools");

        var install = await Shell.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, "portwarden"], TimeSpan.FromMinutes(5));
        var version = await Shell.RunAsync(Path.Combine(tools, "portwarden"), ["--version"], TimeSpan.FromMinutes(1));
        var help = await Shell.RunAsync(Path.Combine(tools, "portwarden"), ["service", "install", "--help"], TimeSpan.FromMinutes(1));

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches(@"^0\.1\.0(\+[0-9a-f]+)?\s*$", version.Output);
        Assert.Contains("--raw-sockets", help.Output);
    }
}
