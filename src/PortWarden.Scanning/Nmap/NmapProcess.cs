using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// A running nmap: started with an argument vector (no shell), XML on its stdout, the tail of its stderr kept
/// for error messages, stdin closed so it never waits for keystrokes. Killing it kills its whole process tree.
/// </summary>
internal sealed class NmapProcess : IAsyncDisposable
{
    private const int ErrorTailLength = 8 * 1024;
    private readonly Process process;
    private readonly Task<string> errorTail;

    private NmapProcess(Process process)
    {
        this.process = process;
        Id = process.Id;
        errorTail = ReadTailAsync(process.StandardError);
    }

    public int Id { get; }

    public Stream Output => process.StandardOutput.BaseStream;

    public static NmapProcess Start(string executable, NmapInvocation invocation)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in invocation.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ScanEngineException($"could not start {executable}");
        }
        catch (Win32Exception error)
        {
            throw new ScanEngineException($"could not start {executable}: {error.Message}", error);
        }

        process.StandardInput.Close();
        return new NmapProcess(process);
    }

    /// <summary>Kills nmap and every process it started; does nothing once it has exited.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Waits for nmap to exit and returns its exit code and the end of what it wrote on stderr.</summary>
    public async Task<(int ExitCode, string Error)> WaitForExitAsync()
    {
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return (process.ExitCode, (await errorTail.ConfigureAwait(false)).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The kill has been sent; the process is the kernel's to reap now.
            }
        }

        process.Dispose();
    }

    private static async Task<string> ReadTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > ErrorTailLength)
            {
                tail.Remove(0, tail.Length - ErrorTailLength);
            }
        }

        return tail.ToString();
    }
}
