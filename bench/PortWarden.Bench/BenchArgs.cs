namespace PortWarden.Bench;

/// <summary>The benchmarks' command-line options: "--name value" pairs.</summary>
internal static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when it is not given.</summary>
    public static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
