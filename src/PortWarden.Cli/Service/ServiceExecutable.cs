namespace PortWarden.Cli.Service;

/// <summary>How a service manager starts portwarden: an executable (single-file, apphost or tool shim), or dotnet with portwarden.dll.</summary>
internal sealed record ServiceExecutable(string Program, IReadOnlyList<string> Prefix)
{
    private static readonly string[] Homes = ["/home/", "/root/"];

    /// <summary>The program running now: a service started the same way runs the same code.</summary>
    public static ServiceExecutable Current()
    {
        var process = Environment.ProcessPath ?? throw new UsageException("cannot tell which program is running: give --exec");
        return string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? new ServiceExecutable(process, [Path.Combine(AppContext.BaseDirectory, "portwarden.dll")])
            : new ServiceExecutable(process, []);
    }

    public static ServiceExecutable Given(string path) =>
        Path.IsPathFullyQualified(path) ? new ServiceExecutable(path, []) : throw new UsageException($"--exec '{path}' is not an absolute path");

    /// <summary>True when the program lives in a home directory, which ProtectHome=yes would hide from the service.</summary>
    public bool UnderHome => new[] { Program }.Concat(Prefix).Any(path => Homes.Any(home => path.StartsWith(home, StringComparison.Ordinal)));
}
