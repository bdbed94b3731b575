using System.Diagnostics;

namespace PortWarden.NetLab;

/// <summary>Runs a system tool (ip, nft) with an argument vector and fails loudly, with its stderr, when it fails.</summary>
public static class Command
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? input = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', start.ArgumentList)} failed with exit code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}" +
                (input is null ? "" : $"\ninput:\n{input}"));
        }

        return await output.ConfigureAwait(false);
    }

    public static Task<string> RunAsync(string file, params string[] arguments) => RunAsync(file, arguments, null, CancellationToken.None);
}
