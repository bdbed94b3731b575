using System.Net;
using System.Text.Json;

namespace PortWarden.Cli.Tests;

public sealed class ScanCommandTests
{
    [Fact]
    public async Task Json_is_one_document_with_the_open_ports_of_each_host()
    {
        using var open = Cli.Listen(IPAddress.Loopback);
        var closed = Cli.FreePort();

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()},{closed}", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal("connect", root.GetProperty("engine").GetString());
        Assert.True(root.GetProperty("finishedAt").GetDateTimeOffset() >= root.GetProperty("startedAt").GetDateTimeOffset());
        Assert.True(root.GetProperty("durationMs").GetInt64() >= 0);
        var host = Assert.Single(root.GetProperty("hosts").EnumerateArray());
        Assert.Equal("127.0.0.1", host.GetProperty("address").GetString());
        Assert.Equal(JsonValueKind.Null, host.GetProperty("hostname").ValueKind);
        Assert.Equal("up", host.GetProperty("state").GetString());
        var port = Assert.Single(host.GetProperty("ports").EnumerateArray());
        Assert.Equal("tcp", port.GetProperty("protocol").GetString());
        Assert.Equal(open.Port(), port.GetProperty("port").GetInt32());
        Assert.Equal("open", port.GetProperty("state").GetString());
        Assert.Equal("syn-ack", port.GetProperty("reason").GetString());
        Assert.Equal(1, host.GetProperty("counts").GetProperty("closed").GetInt32());
    }

    [Fact]
    public async Task Show_closed_lists_every_port()
    {
        using var open = Cli.Listen(IPAddress.Loopback);
        var closed = Cli.FreePort();

        var run = await Cli.RunAsync("scan", "localhost", "-p", $"{open.Port()},{closed}", "--format", "json", "--show-closed");

        using var json = JsonDocument.Parse(run.Output);
        var host = json.RootElement.GetProperty("hosts")[0];
        Assert.Equal("localhost", host.GetProperty("hostname").GetString());
        Assert.Equal(["open", "closed"], host.GetProperty("ports").EnumerateArray()
            .OrderBy(p => p.GetProperty("port").GetInt32() == open.Port() ? 0 : 1)
            .Select(p => p.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Json_lines_stream_ports_hosts_and_a_summary()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()}", "--format", "jsonl");

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["port", "host", "summary"], lines.Select(line => line.GetProperty("type").GetString()));
        Assert.Equal(open.Port(), lines[0].GetProperty("port").GetInt32());
        Assert.Equal(1, lines[2].GetProperty("summary").GetProperty("hostsUp").GetInt32());
    }

    [Fact]
    public async Task Csv_has_a_header_and_a_row_per_port()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()}", "--format", "csv");

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("address,hostname,protocol,port,state,service,reason,bind_address,pid,process,process_path,user", lines[0]);
        Assert.Equal($"127.0.0.1,,tcp,{open.Port()},open,,syn-ack,,,,,", Assert.Single(lines.Skip(1)));
    }

    [Fact]
    public async Task The_table_shows_open_ports_and_a_summary()
    {
        using var open = Cli.Listen(IPAddress.Loopback);

        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()},{Cli.FreePort()}");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{open.Port()}/tcp", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 host(s) scanned: 1 up, 0 down; 1 open, 1 closed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_file_is_written_and_replaces_the_old_one()
    {
        using var open = Cli.Listen(IPAddress.Loopback);
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "old", TestContext.Current.CancellationToken);
        try
        {
            var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", $"{open.Port()}", "--format", "json", "-o", path);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal("", run.Output);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            Assert.Single(json.RootElement.GetProperty("hosts").EnumerateArray());
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}.*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_failed_scan_leaves_the_output_file_untouched()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portwarden-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "previous results", TestContext.Current.CancellationToken);
        try
        {
            var run = await Cli.RunAsync("scan", "10.0.0.300", "--format", "json", "-o", path);

            Assert.Equal(2, run.ExitCode);
            Assert.Equal("previous results", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new[] { "scan", "10.0.0.300" }, "invalid target '10.0.0.300' at position 1: octet 4 value 300 is out of range 0-255")]
    [InlineData(new[] { "scan", "127.0.0.1", "10.0.0.1-2-3" }, "invalid target '10.0.0.1-2-3' at position 11")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "22,0" }, "invalid port '0' at position 4: port 0 is not a valid port")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "80-22" }, "range 80-22 is reversed")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "70000" }, "port 70000 is out of range 1-65535")]
    [InlineData(new[] { "scan", "127.0.0.1", "--exclude-ports", "x1!" }, "invalid excluded port 'x1!'")]
    [InlineData(new[] { "scan", "127.0.0.1", "--exclude", "300.1.1.1" }, "invalid excluded target '300.1.1.1'")]
    [InlineData(new[] { "scan", "127.0.0.1", "--engine", "connect", "-p", "U:53" }, "the connect engine scans TCP only")]
    [InlineData(new[] { "scan", "127.0.0.1", "-p", "22", "--exclude-ports", "22" }, "no TCP ports left")]
    [InlineData(new[] { "scan", "10.0.0.0/8" }, "pass --allow-large")]
    [InlineData(new[] { "scan", "no-such-host.invalid" }, "invalid target 'no-such-host.invalid' at position 1: host name does not resolve")]
    [InlineData(new[] { "scan" }, "no targets given: name the hosts or networks to scan, or use --engine local")]
    [InlineData(new[] { "scan", "--engine", "local", "127.0.0.1" }, "the local engine reads this machine's own socket table and takes no targets: remove '127.0.0.1'")]
    [InlineData(new[] { "scan", "--engine", "local", "--exclude", "10.0.0.1" }, "takes no targets: remove '10.0.0.1'")]
    [InlineData(new[] { "scan", "--engine", "local", "-p", "22", "--exclude-ports", "22" }, "no ports left to report in '22 except 22'")]
    [InlineData(new[] { "scan", "--engine", "local", "-p", "80-22" }, "range 80-22 is reversed")]
    [InlineData(new[] { "scan", "127.0.0.1", "--format", "xml" }, "xml")]
    [InlineData(new[] { "scan", "127.0.0.1", "--concurrency", "0" }, "--concurrency must be a positive whole number")]
    [InlineData(new[] { "scan", "127.0.0.1", "--timeout", "-5" }, "--timeout must be a positive whole number")]
    [InlineData(new[] { "scan", "127.0.0.1", "--rate", "0" }, "--rate must be a positive number")]
    [InlineData(new[] { "scan", "127.0.0.1", "--retries", "99" }, "--retries must be between 0 and 50")]
    [InlineData(new[] { "scan", "127.0.0.1", "--engine", "warp" }, "unknown engine 'warp'")]
    [InlineData(new[] { "scan", "127.0.0.1", "--bogus" }, "unknown option '--bogus' for 'scan'")]
    [InlineData(new[] { "scan", "127.0.0.1", "-x" }, "invalid target '-x' at position 11: a target cannot start with '-'")]
    [InlineData(new[] { "scna", "127.0.0.1" }, "scna")]
    public async Task Bad_input_exits_2_and_names_what_was_wrong(string[] args, string message)
    {
        var run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Help_describes_the_scan_options()
    {
        var run = await Cli.RunAsync("scan", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--ports", "--exclude", "--exclude-ports", "--format", "--output", "--timeout", "--concurrency", "--rate", "--show-closed", "--no-discovery" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("-1024")]
    [InlineData("-")]
    [InlineData("60000-")]
    public async Task Port_specs_that_start_with_a_dash_are_values_not_options(string spec)
    {
        var run = await Cli.RunAsync("scan", "127.0.0.1", "-p", spec, "--format", "json", "--timeout", "200");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var counts = json.RootElement.GetProperty("summary");
        var total = counts.GetProperty("open").GetInt32() + counts.GetProperty("closed").GetInt32() + counts.GetProperty("filtered").GetInt32();
        var expected = spec switch { "-1024" => 1024, "-" => 65535, _ => 5536 };
        Assert.Equal(expected, total);
    }
}
