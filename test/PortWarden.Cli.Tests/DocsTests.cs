using System.CommandLine;
using System.ComponentModel;
using System.Reflection;
using System.Text;
using PortWarden.Cli.Configuration;

namespace PortWarden.Cli.Tests;

/// <summary>
/// docs/cli.md is every command's --help, and docs/configuration.md's tables are the settings classes: both are
/// generated here and compared. With PORTWARDEN_UPDATE_DOCS=1 (build/update-docs.sh) the files are rewritten instead.
/// </summary>
public sealed class DocsTests
{
    private const string TableStart = "<!-- generated from the settings classes: build/update-docs.sh -->";
    private const string TableEnd = "<!-- end of generated tables -->";

    private static bool Update => Environment.GetEnvironmentVariable("PORTWARDEN_UPDATE_DOCS") == "1";

    [Fact]
    public async Task The_CLI_reference_is_the_help_of_every_command()
    {
        var commands = Commands(CliApp.CreateRoot(new CliStreams(TextWriter.Null, TextWriter.Null, false, false), TimeProvider.System), []).ToList();
        // The help is taken from the real program with a neutral home, so that defaults read ~/.local/share, not /root/...
        var helps = await Task.WhenAll(commands.Select(path => CliChild.RunAsync(
            new Dictionary<string, string?> { ["HOME"] = "~", ["XDG_DATA_HOME"] = null, ["DOTNET_ROOT"] = null }, [.. path, "--help"])));

        var text = new StringBuilder("""
            # Command-line reference

            Every command's `--help`, generated from the program (`build/update-docs.sh`; a test checks that it matches).
            Exit codes: 0 success, 1 "found" where a command says so (`diff`: different, `track --exit-code`: changes),
            2 bad input or failure (the message on stderr says what and where), 130 interrupted.


            """);
        foreach (var path in commands)
        {
            text.Append(CultureInvariant($"- [`{Title(path)}`](#{Title(path).Replace(' ', '-')})\n"));
        }

        foreach (var (path, help) in commands.Zip(helps))
        {
            Assert.True(help.ExitCode == 0, help.ToString());
            text.Append(CultureInvariant($"\n## {Title(path)}\n\n```text\n{help.Output.TrimEnd()}\n```\n"));
        }

        await CompareAsync("docs/cli.md", text.ToString());
    }

    [Fact]
    public async Task The_configuration_reference_lists_every_setting_with_its_default_flag_and_variable()
    {
        var file = RepositoryFiles.PathOf("docs/configuration.md");
        var current = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        var start = current.IndexOf(TableStart, StringComparison.Ordinal);
        var end = current.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/configuration.md needs the markers '{TableStart}' and '{TableEnd}'");

        var tables = new StringBuilder(TableStart + "\n");
        foreach (var (section, schema) in SettingsSchema.Sections.Where(s => s.Value is not null))
        {
            tables.Append(CultureInvariant($"\n### {section}\n\n| Key | Type | Default | Flag | Description |\n|---|---|---|---|---|\n"));
            foreach (var (path, property, value) in schema!.Leaves(section, Activator.CreateInstance(schema.Type)!))
            {
                var shown = value ?? property.GetCustomAttribute<DefaultValueAttribute>()?.Value;
                var flag = property.GetCustomAttribute<FlagAttribute>()?.Name;
                var secret = property.GetCustomAttribute<SecretAttribute>() is null ? "" : " Secret: never printed.";
                tables.Append(CultureInvariant(
                    $"| `{path}` | {SettingsSchema.TypeName(property.PropertyType)} | {(shown is null ? "" : $"`{Shown(shown)}`")} | {(flag is null ? "" : $"`{flag}`")} | {property.GetCustomAttribute<DescriptionAttribute>()?.Description}{secret} |\n"));
            }
        }

        await CompareAsync("docs/configuration.md", current[..start] + tables + "\n" + current[end..]);
    }

    [Fact]
    public void Every_flag_a_setting_names_is_an_option_of_its_command()
    {
        var root = CliApp.CreateRoot(new CliStreams(TextWriter.Null, TextWriter.Null, false, false), TimeProvider.System);
        foreach (var (section, command) in new[] { (HubSettings.Section, "serve"), (AgentSettings.Section, "agent") })
        {
            var schema = SettingsSchema.Sections[section]!;
            var options = root.Subcommands.Single(c => c.Name == command).Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
            foreach (var (path, property, _) in schema.Leaves(section, Activator.CreateInstance(schema.Type)!))
            {
                var flag = property.GetCustomAttribute<FlagAttribute>();
                Assert.True(flag is not null, $"{path} has no [Flag]");
                Assert.True(options.Contains(flag.Name), $"{path}: '{command}' has no {flag.Name}");
            }
        }
    }

    [Fact]
    public void The_README_links_the_docs_and_every_link_resolves()
    {
        var readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));
        var docs = Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md").Select(Path.GetFileName).ToList();

        Assert.All(docs, doc => Assert.Contains($"(docs/{doc})", readme, StringComparison.Ordinal));
        foreach (var page in docs.Select(doc => Path.Combine("docs", doc!)).Append("README.md"))
        {
            var text = File.ReadAllText(RepositoryFiles.PathOf(page));
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(text, @"\]\((?!https?:|#)([^)#\s]+)"))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryFiles.PathOf(page))!, link.Groups[1].Value));
                Assert.True(File.Exists(target) || Directory.Exists(target), $"{page} links to {link.Groups[1].Value}, which does not exist");
            }
        }
    }

    private static IEnumerable<string[]> Commands(Command command, string[] path)
    {
        yield return path;
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var nested in Commands(sub, [.. path, sub.Name]))
            {
                yield return nested;
            }
        }
    }

    private static string Title(string[] path) => string.Join(' ', path.Prepend("portwarden"));

    private static string Shown(object value) => value switch
    {
        bool on => on ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    private static async Task CompareAsync(string relative, string expected)
    {
        var file = RepositoryFiles.PathOf(relative);
        if (Update)
        {
            await File.WriteAllTextAsync(file, expected, TestContext.Current.CancellationToken);
            return;
        }

        var actual = File.Exists(file) ? await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken) : "";
        Assert.True(actual == expected, $"{relative} is out of date: run build/update-docs.sh (it rewrites the file from the program), then review the diff.");
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
