namespace PortWarden.Packaging.Tests;

/// <summary>
/// One run of the build scripts for the whole test run, into a temporary $ARTIFACTS: the linux-x64 single-file
/// build, the dotnet tool package and the amd64 Debian package. Slow (a few minutes on 2 cores), so shared.
/// </summary>
public sealed class BuiltArtifacts : IAsyncLifetime
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-artifacts-");

    public string Root => directory.FullName;

    public string SingleFile => Path.Combine(Root, "publish/linux-x64/portwarden");

    public string ToolPackages => Path.Combine(Root, "nupkg");

    public string Deb => Directory.GetFiles(Path.Combine(Root, "deb"), "portwarden_*_amd64.deb").Single();

    public static string Repository { get; } = FindRepository();

    public async ValueTask InitializeAsync()
    {
        var environment = new Dictionary<string, string> { ["ARTIFACTS"] = Root };
        foreach (var (script, args) in new[] { ("build/publish.sh", new[] { "linux-x64" }), ("build/pack-tool.sh", []), ("build/deb.sh", ["amd64"]) })
        {
            var run = await Shell.RunAsync("bash", [Path.Combine(Repository, script), .. args], TimeSpan.FromMinutes(15), environment);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"{script} failed: {run}");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static string FindRepository()
    {
        for (var at = new DirectoryInfo(AppContext.BaseDirectory); at is not null; at = at.Parent)
        {
            if (File.Exists(Path.Combine(at.FullName, "PortWarden.slnx")))
            {
                return at.FullName;
            }
        }

        throw new InvalidOperationException($"no PortWarden.slnx above {AppContext.BaseDirectory}");
    }
}

[CollectionDefinition(Name)]
public sealed class PackagingTests : ICollectionFixture<BuiltArtifacts>
{
    public const string Name = "Built artifacts";
}
