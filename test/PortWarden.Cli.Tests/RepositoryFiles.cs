namespace PortWarden.Cli.Tests;

/// <summary>Files of the source tree the tests run from (docs/, build/), found by walking up to PortWarden.slnx.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PortWarden.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no PortWarden.slnx above {AppContext.BaseDirectory}");
    }
}
