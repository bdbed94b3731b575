using PortWarden.Core;
using PortWarden.Core.Scanning;
using PortWarden.Core.Tracking;

namespace PortWarden.Cli;

/// <summary>Runs a command body and turns what can go wrong into a one-line message on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(string command, CliStreams streams, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await streams.Error.WriteLineAsync($"portwarden {command}: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception error) when (error is SpecFormatException or ScanFileFormatException or ScanEngineException or UsageException
            or IOException or UnauthorizedAccessException or FormatException or StoreException or TimeoutException or PollRejectedException)
        {
            await streams.Error.WriteLineAsync($"portwarden {command}: {error.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A bug, not bad input: say so, and show the details when asked to (PORTWARDEN_DEBUG=1).
            var details = Environment.GetEnvironmentVariable("PORTWARDEN_DEBUG") == "1" ? error.ToString() : $"{error.GetType().Name}: {error.Message}";
            await streams.Error.WriteLineAsync($"portwarden {command}: unexpected error ({details})").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }
}
