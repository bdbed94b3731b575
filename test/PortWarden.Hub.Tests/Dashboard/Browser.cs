using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PortWarden.Hub.Tests.Dashboard;

/// <summary>
/// Debian's Chromium (never a downloaded browser) driven by Playwright: headless, sandbox off (tests run as root),
/// no network chatter of its own, a fresh profile per test. Collects page errors and failed console messages,
/// and saves screenshots under the test output's artifacts/screenshots.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright playwright;
    private readonly IBrowserContext context;
    private readonly DirectoryInfo profile;

    private Browser(IPlaywright playwright, IBrowserContext context, DirectoryInfo profile, IPage page)
    {
        this.playwright = playwright;
        this.context = context;
        this.profile = profile;
        Page = page;
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            // A refused request (a 400 the page shows next to a field, a 401 before login) is logged by the browser as an error: not a script fault.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Errors.Add($"console: {message.Text}");
            }
        };
    }

    /// <summary>Where a test run leaves what a person may want to look at: screenshots/ and exports/.</summary>
    public static string ArtifactDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    public static string ScreenshotDirectory { get; } = Path.Combine(ArtifactDirectory, "screenshots");

    public IPage Page { get; }

    /// <summary>Script errors seen so far; a working page has none.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Accessibility rules (axe-core, WCAG 2 A and AA) the pages checked so far break.</summary>
    public List<string> AccessibilityProblems { get; } = [];

    public static async Task<Browser> StartAsync(Uri baseAddress)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("portwarden-chromium-");
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
            Timeout = 60_000,
        });

        // Waits are bounded but generous: the machine running the tests may be busy.
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        return new Browser(playwright, context, profile, page);
    }

    /// <summary>Opens a dashboard page and waits until its script has rendered it.</summary>
    public async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await Assertions.Expect(Page.Locator("main[data-ready]")).ToHaveAttributeAsync("data-ready", "true");
    }

    /// <summary>Runs axe-core on the page as it is now and notes every broken WCAG 2 A/AA rule with the elements that break it.</summary>
    public async Task CheckAccessibilityAsync()
    {
        var results = await Page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.NotEmpty(results.Passes);
        foreach (var violation in results.Violations)
        {
            AccessibilityProblems.Add($"{new Uri(Page.Url).PathAndQuery}: {violation.Id} ({violation.Impact}): {violation.Help} at "
                + string.Join("; ", violation.Nodes.Select(node => string.Join(" ", node.Target))));
        }
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>Runs a test's steps; when one fails, the page as it was is saved as failure-NAME.png beside the other screenshots.</summary>
    public async Task RecordFailureAsync(string name, Func<Task> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch
        {
            await ScreenshotAsync($"failure-{name}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.CloseAsync();
        playwright.Dispose();
        profile.Delete(recursive: true);
    }
}
