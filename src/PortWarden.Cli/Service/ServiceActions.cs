using System.Diagnostics;

namespace PortWarden.Cli.Service;

/// <summary>Takes the steps of a service plan in order, stopping at the first that fails (unless it may fail).</summary>
internal static class ServiceActions
{
    public static async Task RunAsync(IEnumerable<ServiceAction> actions, TextWriter log, CancellationToken cancellationToken)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case WriteFileAction write:
                    if (write.KeepExisting && File.Exists(write.Path))
                    {
                        await log.WriteLineAsync($"kept {write.Path} (it exists)").ConfigureAwait(false);
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(write.Path)!);
                    await File.WriteAllTextAsync(write.Path, write.Content, cancellationToken).ConfigureAwait(false);
                    if (write.Mode is { } mode && !OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(write.Path, mode);
                    }

                    break;
                case DeleteFileAction delete:
                    File.Delete(delete.Path);
                    break;
                case CreateDirectoryAction create:
                    Directory.CreateDirectory(create.Path);
                    break;
                case RunAction run:
                    if (run.Unless is { } check && await ExitCodeAsync(check, cancellationToken).ConfigureAwait(false) == 0)
                    {
                        continue;
                    }

                    var code = await ExitCodeAsync(run, cancellationToken).ConfigureAwait(false);
                    if (code != 0 && !run.IgnoreFailure)
                    {
                        throw new UsageException($"'{run.CommandLine}' failed with exit code {code}");
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unknown service action {action.GetType().Name}");
            }

            await log.WriteLineAsync(action is WriteFileAction done ? $"wrote {done.Path}" : action.Describe()).ConfigureAwait(false);
        }
    }

    private static async Task<int> ExitCodeAsync(RunAction run, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(run.Program) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in run.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new UsageException($"cannot run {run.Program}: {error.Message}");
        }

        using (process)
        {
            // The output is not needed (getent prints the user it found); reading it keeps the pipe from filling.
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
