using PortWarden.Scanning.Nmap;

namespace PortWarden.Scanning.Tests;

public sealed class NmapLocatorTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pw-nmap-locator-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_configured_path_wins_and_may_name_a_directory()
    {
        var nmap = Executable(Path.Combine(directory, "nmap"));
        var locator = new NmapLocator("/usr/bin", ["/usr/bin/nmap"], windows: false);

        Assert.Equal(nmap, locator.Locate(nmap));
        Assert.Equal(nmap, locator.Locate(directory));
    }

    [Fact]
    public void A_missing_configured_path_is_an_error_naming_it_without_falling_back()
    {
        var locator = new NmapLocator("/usr/bin", ["/usr/bin/nmap"], windows: false);
        var missing = Path.Combine(directory, "no-such-nmap");

        var error = Assert.Throws<NmapNotFoundException>(() => locator.Locate(missing));

        Assert.Contains($"'{missing}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt install nmap", error.Message, StringComparison.Ordinal);
        Assert.Equal([missing], error.Searched);
    }

    [Fact]
    public void PATH_is_searched_in_order_and_files_that_are_not_executable_are_passed_over()
    {
        var first = Directory.CreateDirectory(Path.Combine(directory, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(directory, "second")).FullName;
        File.WriteAllText(Path.Combine(first, "nmap"), "not executable");
        var found = Executable(Path.Combine(second, "nmap"));
        var locator = new NmapLocator($"{first}:{second}", [Path.Combine(directory, "default-nmap")], windows: false);

        Assert.Equal(found, locator.Locate(null));
    }

    [Fact]
    public void The_platform_default_is_used_when_PATH_has_no_nmap()
    {
        var fallback = Executable(Path.Combine(directory, "default-nmap"));
        var locator = new NmapLocator(Path.Combine(directory, "empty"), [Path.Combine(directory, "missing"), fallback], windows: false);

        Assert.Equal(fallback, locator.Locate(""));
    }

    [Fact]
    public void Nmap_found_nowhere_names_every_place_and_how_to_install_it()
    {
        var onPath = Path.Combine(directory, "bin");
        var defaultPath = Path.Combine(directory, "opt", "nmap");
        var locator = new NmapLocator(onPath, [defaultPath], windows: false);

        var error = Assert.Throws<NmapNotFoundException>(() => locator.Locate(null));

        Assert.Contains($"looked on PATH ({onPath})", error.Message, StringComparison.Ordinal);
        Assert.Contains(defaultPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("https://nmap.org/download.html", error.Message, StringComparison.Ordinal);
        Assert.Contains("--nmap-path", error.Message, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(onPath, "nmap"), defaultPath], error.Searched);
    }

    [Fact]
    public void Platform_defaults_are_usr_bin_on_Linux_and_program_files_x86_first_on_Windows()
    {
        Assert.Equal(["/usr/bin/nmap"], NmapLocator.DefaultLocations(windows: false));
        Assert.Equal([@"C:\Program Files (x86)\Nmap\nmap.exe", @"C:\Program Files\Nmap\nmap.exe"], NmapLocator.DefaultLocations(windows: true));
    }

    [Fact]
    public void This_machine_finds_the_installed_nmap()
    {
        var path = NmapLocator.ForThisMachine().Locate(null);

        Assert.EndsWith("nmap", path, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    private static string Executable(string path)
    {
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
