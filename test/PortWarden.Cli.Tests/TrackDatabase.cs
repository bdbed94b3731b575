using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PortWarden.Cli.Tests;

/// <summary>A scratch database file for one test, and ways to look into it from outside the command line.</summary>
internal sealed class TrackDatabase : IDisposable
{
    private static readonly string[] Tables = ["events", "polls", "devices", "trackers", "baseline_ports", "baseline_hosts", "change_windows"];

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("portwarden-track-");

    public string Path => System.IO.Path.Combine(directory.FullName, "portwarden.db");

    /// <summary>Runs portwarden in-process with --db pointing here.</summary>
    public Task<CliRun> RunAsync(params string[] args) => Cli.RunAsync([.. args, "--db", Path]);

    /// <summary>Events as "type port classification" strings, in log order, read through `portwarden events --format json`.</summary>
    public async Task<List<string>> EventsAsync(params string[] filters)
    {
        var run = await RunAsync(["events", "--format", "json", .. filters]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.EnumerateArray().Select(e =>
        {
            var type = e.GetProperty("type").GetString();
            var port = e.GetProperty("port").ValueKind == JsonValueKind.Number ? $" {e.GetProperty("port").GetInt32()}" : "";
            var classification = e.GetProperty("classification").GetString() is { } c ? $" {c}" : "";
            var reference = e.GetProperty("reference").GetString() is { } r ? $" {r}" : "";
            return $"{type}{port}{classification}{reference}";
        }).ToList();
    }

    public object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text ("" for null).</summary>
    public List<string> Column(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return values;
    }

    /// <summary>Events as JSON elements, in log order, read through `portwarden events --format json`.</summary>
    public async Task<List<JsonElement>> EventDocumentsAsync(params string[] filters)
    {
        var run = await RunAsync(["events", "--format", "json", .. filters]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>A fingerprint of everything stored: proves a failed command changed nothing.</summary>
    public string Fingerprint()
    {
        SqliteConnection.ClearAllPools();
        var parts = Tables
            .Select(table => $"{table}:{Scalar($"SELECT COUNT(*) FROM {table}")}")
            .Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path))));
        return string.Join(' ', parts);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }
}
