namespace PortWarden.Scanning.Nmap;

/// <summary>
/// Finds the nmap executable: the configured path (a file, or a directory holding nmap), else the first
/// executable nmap on PATH, else the platform's usual install locations.
/// </summary>
public sealed class NmapLocator
{
    private const string InstallHint =
        "install nmap (Debian/Ubuntu: apt install nmap; Fedora/RHEL: dnf install nmap; macOS: brew install nmap; " +
        "Windows: https://nmap.org/download.html) or give its location with --nmap-path";

    private readonly string? pathVariable;
    private readonly IReadOnlyList<string> defaultLocations;
    private readonly bool windows;

    public NmapLocator(string? pathVariable, IReadOnlyList<string> defaultLocations, bool windows)
    {
        this.pathVariable = pathVariable;
        this.defaultLocations = defaultLocations;
        this.windows = windows;
    }

    /// <summary>The locator for this machine: its PATH and its platform's install locations.</summary>
    public static NmapLocator ForThisMachine() =>
        new(Environment.GetEnvironmentVariable("PATH"), DefaultLocations(OperatingSystem.IsWindows()), OperatingSystem.IsWindows());

    /// <summary>Where nmap's installers put it: /usr/bin/nmap on Linux; Program Files (x86), then Program Files on Windows.</summary>
    public static IReadOnlyList<string> DefaultLocations(bool windows) => windows
        ? [@"C:\Program Files (x86)\Nmap\nmap.exe", @"C:\Program Files\Nmap\nmap.exe"]
        : ["/usr/bin/nmap"];

    private string ExecutableName => windows ? "nmap.exe" : "nmap";

    /// <summary>The full path of nmap; throws <see cref="NmapNotFoundException"/> naming every place it looked.</summary>
    public string Locate(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            // An explicit path is what the user wants run: never fall back to another nmap behind their back.
            var candidate = Directory.Exists(configuredPath) ? Path.Combine(configuredPath, ExecutableName) : configuredPath;
            if (IsExecutable(candidate))
            {
                return Path.GetFullPath(candidate);
            }

            throw new NmapNotFoundException($"nmap not found at the configured path '{candidate}' " +
                $"({(File.Exists(candidate) ? "the file is not executable" : "no such file")}); {InstallHint}")
            {
                Searched = [candidate],
            };
        }

        var searched = new List<string>();
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = Path.Combine(directory, ExecutableName);
            searched.Add(candidate);
            if (IsExecutable(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        foreach (var candidate in defaultLocations)
        {
            searched.Add(candidate);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        var onPath = string.IsNullOrWhiteSpace(pathVariable) ? "PATH is empty" : $"looked on PATH ({pathVariable})";
        throw new NmapNotFoundException($"nmap not found: {onPath} and at {string.Join(", ", defaultLocations)}; {InstallHint}")
        {
            Searched = searched,
        };
    }

    private bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (windows || OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }
}
