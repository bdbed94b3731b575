using PortWarden.Core.Scanning;

namespace PortWarden.Scanning.Nmap;

/// <summary>
/// Turns nmap's progress (a percentage per task and host group) and finished hosts into PortWarden's
/// probes-done-of-total, never moving backwards when nmap starts a new task at 0%.
/// </summary>
internal sealed class NmapScanProgress(long hosts, int portsPerHost, TimeProvider time, IProgress<ScanProgress>? sink)
{
    private readonly long total = hosts * portsPerHost;
    private readonly long started = time.GetTimestamp();
    private long hostsDone;
    private long completed;

    public void OnTask(NmapTaskProgress task)
    {
        var done = Math.Min(total, hostsDone * portsPerHost);
        Report(done + (long)((total - done) * Math.Clamp(task.Percent, 0, 100) / 100));
    }

    public void OnHostDone()
    {
        hostsDone++;
        Report(hostsDone * portsPerHost);
    }

    private void Report(long value)
    {
        completed = Math.Clamp(value, completed, total);
        sink?.Report(new ScanProgress(completed, total, time.GetElapsedTime(started)));
    }
}
