namespace PortWarden.Hub.Tests;

/// <summary>The hub's own agent scans only once the hub listens (issue 14, item 11): its first self-scan sees the hub's port.</summary>
public sealed class SelfScanStartOrderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_self_scan_of_a_fresh_serve_has_the_hubs_own_listening_port_in_its_baseline()
    {
        var directory = Directory.CreateTempSubdirectory("portwarden-selfstart-");
        try
        {
            await using (var serve = await ServeProcess.StartAsync(directory.FullName, Cancel))
            {
                await Waiting.UntilAsync(
                    async () => (await serve.GetAsync("api/v1/devices", Cancel)).EnumerateArray().Any(d => d.GetProperty("polls").GetInt32() > 0),
                    TimeSpan.FromSeconds(60),
                    "the self-scan's first poll");
                var self = (await serve.GetAsync("api/v1/devices", Cancel)).EnumerateArray().Single().GetProperty("device");
                var id = self.GetProperty("id").GetInt64();
                var polls = await serve.GetAsync($"api/v1/devices/{id}/polls", Cancel);
                var baseline = await serve.GetAsync($"api/v1/devices/{id}/baseline", Cancel);

                // The tracker repeats every 300 s: this baseline is the first poll's.
                Assert.Equal(1, polls.GetArrayLength());
                var tcp = baseline.EnumerateArray().SelectMany(h => h.GetProperty("ports").EnumerateArray())
                    .Where(p => p.GetProperty("protocol").GetString() == "tcp").Select(p => p.GetProperty("port").GetInt32()).ToHashSet();
                Assert.Contains(serve.Port, tcp);
                var opened = await serve.GetAsync($"api/v1/events?device={id}&type=port-opened", Cancel);
                Assert.Empty(opened.GetProperty("items").EnumerateArray());
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
