namespace PortWarden.Cli.Tests;

/// <summary>The configuration of serve and agent: file &lt; PORTWARDEN_ variables &lt; flags, and errors that name the key, its source and the reason.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-config-");

    public void Dispose() => directory.Delete(recursive: true);

    private string File(string json, string name = "portwarden.json")
    {
        var path = Path.Combine(directory.FullName, name);
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Flags_override_variables_which_override_the_file()
    {
        var file = File("""{ "Hub": { "ShardLeaseSeconds": 30, "DataDir": "/srv/file", "Urls": [ "http://127.0.0.1:6001" ] } }""");
        var environment = new Dictionary<string, string?> { ["PORTWARDEN_Hub__ShardLeaseSeconds"] = "40", ["PORTWARDEN_Hub__DataDir"] = "/srv/variable" };

        var run = await CliChild.RunAsync(environment, "serve", "--config", file, "--check-config", "--shard-lease", "50");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hub:ShardLeaseSeconds = 50  (from --shard-lease)", run.Output);
        Assert.Contains("Hub:DataDir = /srv/variable  (from $PORTWARDEN_Hub__DataDir)", run.Output);
        Assert.Contains($"Hub:Urls = http://127.0.0.1:6001  (from {file})", run.Output);
        Assert.Contains("Hub:LocalAgent = true  (default)", run.Output);
    }

    [Fact]
    public async Task The_file_can_come_from_PORTWARDEN_CONFIG_and_legacy_variables_still_apply()
    {
        var file = File("""{ "Agent": { "Name": "from-file", "RefreshSeconds": 10 } }""");
        var environment = new Dictionary<string, string?> { ["PORTWARDEN_CONFIG"] = file, ["PORTWARDEN_ADMIN_KEY"] = "pwk_legacy-variable-key" };

        var agent = await CliChild.RunAsync(environment, "agent", "--check-config", "--name", "from-flag");
        var hub = await CliChild.RunAsync(environment, "serve", "--check-config");

        Assert.True(agent.ExitCode == 0, agent.ToString());
        Assert.Contains("Agent:Name = from-flag  (from --name)", agent.Output);
        Assert.Contains($"Agent:RefreshSeconds = 10  (from {file})", agent.Output);
        Assert.Contains("Hub:AdminKey = (hidden)  (from $PORTWARDEN_ADMIN_KEY)", hub.Output);
        Assert.DoesNotContain("pwk_legacy-variable-key", hub.Output);
    }

    [Fact]
    public async Task A_list_given_as_flags_replaces_the_files_list()
    {
        var file = File("""{ "Hub": { "Urls": [ "http://127.0.0.1:6001", "http://127.0.0.1:6002" ] } }""");

        var run = await Cli.RunAsync("serve", "--config", file, "--check-config", "--urls", "http://127.0.0.1:7001");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hub:Urls = http://127.0.0.1:7001  (from --urls)", run.Output);
        Assert.DoesNotContain("6002", run.Output);
    }

    [Fact]
    public async Task Unknown_keys_are_refused_with_their_path_and_file()
    {
        var file = File("""
            {
              "Hub": { "Urlz": [ "http://127.0.0.1:6001" ], "Certificate": { "Pasword": "x" } },
              "Agent": { "RefreshSeconds": 5 },
              "Hubs": { }
            }
            """);

        var run = await Cli.RunAsync("serve", "--config", file, "--check-config");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"Hub:Urlz (from {file}): unknown key; Hub has Urls, Db, DataDir, AdminKey, Certificate, LocalAgent, ShardLeaseSeconds, UploadClockSkewSeconds", run.Error);
        Assert.Contains($"Hub:Certificate:Pasword (from {file}): unknown key; Hub:Certificate has Path, KeyPath, Password", run.Error);
        Assert.Contains($"Hubs (from {file}): unknown section; known: Hub, Agent, Logging", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task An_unknown_key_in_a_variable_names_the_variable()
    {
        var run = await CliChild.RunAsync(new Dictionary<string, string?> { ["PORTWARDEN_Agent__Refresh"] = "5", ["PORTWARDEN_DEBUG"] = "0" }, "agent", "--check-config");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Agent:Refresh (from $PORTWARDEN_Agent__Refresh): unknown key", run.Error);
        Assert.DoesNotContain("DEBUG", run.Error);
    }

    [Fact]
    public async Task Invalid_values_are_refused_with_their_path_source_and_reason()
    {
        var file = File("""{ "Agent": { "RefreshSeconds": "soon", "Hub": "ftp://hub.example", "MetricsUrl": "https://127.0.0.1:9464/" } }""");

        var unreadable = await Cli.RunAsync("agent", "--config", file, "--check-config");
        var outOfRange = await Cli.RunAsync("agent", "--config", file, "--check-config", "--refresh", "0");

        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains($"Agent:RefreshSeconds (from {file}): 'soon' is not a whole number", unreadable.Error);
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("Agent:RefreshSeconds (from --refresh): '0' must be between 1 and 3600 seconds", outOfRange.Error);
        Assert.Contains($"Agent:Hub (from {file}): 'ftp://hub.example' is not an http:// or https:// URL", outOfRange.Error);
        Assert.Contains($"Agent:MetricsUrl (from {file}): 'https://127.0.0.1:9464/' is not an http:// URL", outOfRange.Error);
    }

    [Fact]
    public async Task Settings_that_contradict_each_other_are_refused_and_secrets_are_not_repeated()
    {
        var file = File("""{ "Hub": { "Urls": [ "http://127.0.0.1:6001", "https://127.0.0.1:6002" ], "Certificate": { "Password": "hunter2" } } }""");

        var run = await Cli.RunAsync("serve", "--config", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"Hub:Urls:1 (from {file}): 'https://127.0.0.1:6002' is HTTPS: give its certificate (Certificate:Path, --cert)", run.Error);
        Assert.Contains($"Hub:Certificate:Password (from {file}): is set, but there is no Certificate:Path (--cert)", run.Error);
        Assert.DoesNotContain("hunter2", run.Error);
    }

    [Fact]
    public async Task A_malformed_or_missing_file_is_named_with_the_line_at_fault()
    {
        var file = File("{\n  \"Hub\": {\n    \"Db\": \"a\"\n    \"DataDir\": \"b\"\n  }\n}\n");

        var malformed = await Cli.RunAsync("serve", "--config", file);
        var missing = await Cli.RunAsync("agent", "--config", Path.Combine(directory.FullName, "nope.json"));

        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains($"cannot read configuration file '{file}': line 4, column 5:", malformed.Error);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.json' does not exist", missing.Error);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("agent")]
    public async Task The_documented_example_file_is_valid(string command)
    {
        var example = RepositoryFiles.PathOf("docs/portwarden.example.json");

        var run = await Cli.RunAsync(command, "--config", example, "--check-config");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("(default)", run.Output.Split('\n').Where(line => !line.Contains("Password", StringComparison.Ordinal) && !line.Contains("AdminKey", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_containers_variables_are_valid_settings()
    {
        var variables = System.IO.File.ReadAllLines(RepositoryFiles.PathOf("Dockerfile"))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(word => word.StartsWith("PORTWARDEN_", StringComparison.Ordinal) && word.Contains('=', StringComparison.Ordinal))
            .ToDictionary(word => word[..word.IndexOf('=', StringComparison.Ordinal)], word => (string?)word[(word.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        var hub = await CliChild.RunAsync(variables, "serve", "--check-config");
        var agent = await CliChild.RunAsync(variables, "agent", "--check-config");

        Assert.True(variables.Count >= 4, string.Join(", ", variables.Keys));
        Assert.True(hub.ExitCode == 0, hub.ToString());
        Assert.True(agent.ExitCode == 0, agent.ToString());
        Assert.Contains("Hub:Urls = http://0.0.0.0:5080  (from $PORTWARDEN_Hub__Urls__0)", hub.Output);
        Assert.Contains("Agent:DataDir = /var/lib/portwarden/agent  (from $PORTWARDEN_Agent__DataDir)", agent.Output);
    }
}
