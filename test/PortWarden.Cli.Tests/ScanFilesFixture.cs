using PortWarden.NetLab;

namespace PortWarden.Cli.Tests;

/// <summary>Scan files written by the real nmap and by portwarden into a temporary directory that goes away with the test.</summary>
internal sealed class ScanFilesFixture : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pw-diff-").FullName;

    public string PathOf(string name) => Path.Combine(directory, name);

    /// <summary>Runs nmap with <paramref name="arguments"/> and writes its XML to <paramref name="name"/>.</summary>
    public async Task<string> NmapAsync(string name, params string[] arguments)
    {
        var path = PathOf(name);
        await Command.RunAsync("nmap", [.. arguments, "-oX", path], null, TestContext.Current.CancellationToken);
        return path;
    }

    /// <summary>Runs `portwarden scan ... -o FILE` and returns the file's path.</summary>
    public async Task<string> PortWardenAsync(string name, params string[] arguments)
    {
        var path = PathOf(name);
        var run = await Cli.RunAsync(["scan", .. arguments, "--no-progress", "-o", path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return path;
    }

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
