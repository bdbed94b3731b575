using System.Runtime.InteropServices;

namespace PortWarden.NetLab;

/// <summary>
/// Runs code on a fresh thread that has entered a network namespace, so sockets it creates live in that
/// namespace while the rest of the process stays where it is. The thread ends afterwards, so no pooled
/// thread is ever left in a foreign namespace.
/// </summary>
public static partial class NamespaceThread
{
    private const int CloneNewNet = 0x40000000;

    public static T Run<T>(string networkNamespace, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{networkNamespace}");
                if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns({networkNamespace}) failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = action();
            }
            catch (Exception error)
            {
                failure = error;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException($"failed inside namespace {networkNamespace}: {failure.Message}", failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);
}
