using System.Net;

namespace PortWarden.Cli.Tests;

/// <summary>A bad option value or an unknown option is one line naming it, exit 2: never a stack trace.</summary>
public sealed class OptionErrorTests
{
    [Theory]
    [InlineData("scan 127.0.0.1 --timeout abc", "option '--timeout': 'abc' is not a whole number")]
    [InlineData("scan 127.0.0.1 --concurrency x", "option '--concurrency': 'x' is not a whole number")]
    [InlineData("scan 127.0.0.1 --rate fast", "option '--rate': 'fast' is not a number")]
    [InlineData("track 127.0.0.1 --confirm x", "option '--confirm': 'x' is not a whole number")]
    [InlineData("agent --refresh soon", "option '--refresh': 'soon' is not a whole number")]
    [InlineData("scan --resume", "Required argument missing for option: '--resume'")]
    [InlineData("scan 127.0.0.1 --engin local", "unknown option '--engin' for 'scan': did you mean --engine?")]
    [InlineData("scan 127.0.0.1 --concurency 5", "unknown option '--concurency' for 'scan': did you mean --concurrency?")]
    [InlineData("serve --port 80", "unknown option '--port' for 'serve'")]
    public async Task A_bad_option_is_one_line_naming_it_and_exit_2(string args, string message)
    {
        var run = await CliChild.RunAsync(new Dictionary<string, string?>(), args.Split(' '));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"portwarden: {message}", run.Error.Split('\n')[0].TrimEnd('.', '\r'));
        Assert.DoesNotContain(" at System.", run.Error + run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unrecognized command or argument", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_says_so_in_one_line()
    {
        using var taken = Cli.Listen(IPAddress.Loopback);
        var data = Directory.CreateTempSubdirectory("portwarden-inuse-");
        try
        {
            var url = $"http://127.0.0.1:{taken.Port()}";
            var run = await CliChild.RunAsync(new Dictionary<string, string?>(),
                "serve", "--urls", url, "--db", Path.Combine(data.FullName, "hub.db"), "--no-local-agent", "--data-dir", Path.Combine(data.FullName, "hub"));

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Equal($"portwarden serve: cannot listen on {url}: port {taken.Port()} is already in use (another hub or program); choose another with --urls",
                run.Error.Trim());
            Assert.Equal("", run.Output);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
