using PortWarden.NetLab;
using static Microsoft.Playwright.Assertions;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>A poll that takes a while shows a progress bar that its agent's reports move, live.</summary>
[Collection(NetworkLabTests.Name)]
public sealed class RunProgressTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_now_shows_a_live_progress_bar_until_the_poll_is_recorded()
    {
        await using var lab = new NetworkLab();
        var host = await lab.AddHostAsync(new LabHostOptions { LiveHosts = [10], SilentHosts = [20, 21] }, Cancel);
        await using var hub = await TestHub.StartAsync(cancellationToken: Cancel);
        var identity = await hub.EnrolAsync("branch");
        var device = await hub.DeviceAsync("quiet", string.Join(' ', host.SilentAddresses), identity.AgentId);
        // Hosts that drop everything, probed without discovery a few ports at a time: each batch waits out its timeout.
        await hub.TrackerAsync(device, "slow", new { ports = "1-60", options = new { noDiscovery = true, timeoutMs = 500, retries = 0, concurrency = 15 } });
        await using var agent = new TestAgent(hub.BaseAddress, identity);
        await agent.StartAsync();
        await using var browser = await Browser.StartAsync(hub.BaseAddress);
        await browser.RecordFailureAsync("progress", async () =>
        {
            await DashboardSessions.LogInAsync(browser);
            await browser.OpenAsync("/trackers");

            var page = browser.Page;
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Run slow now" }).ClickAsync();
            var status = page.Locator("[data-tracker-status=slow]");
            await Expect(status).ToHaveAttributeAsync("data-state", "running");
            var bar = status.GetByRole(Microsoft.Playwright.AriaRole.Progressbar, new() { Name = "Progress of slow" });
            await Expect(status).ToContainTextAsync("of 120 ports");
            await browser.ScreenshotAsync("13-run-progress");
            await Expect(bar).ToBeVisibleAsync();
            // The bar moves as the agent reports (or the poll ends, and the bar with it).
            await Waiting.UntilAsync(
                async () => await status.EvaluateAsync<double>("cell => cell.querySelector('progress')?.value ?? 100") > 0, TimeSpan.FromSeconds(60), "the bar to move");
            await Expect(status).ToHaveAttributeAsync("data-runs-finished", "1", new() { Timeout = 90_000 });
            await Expect(status).ToContainTextAsync("0 open");
        });
        Assert.Empty(browser.Errors);
    }
}
