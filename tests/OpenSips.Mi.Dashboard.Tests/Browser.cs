using PuppeteerSharp;

[assembly: AssemblyFixture(typeof(OpenSips.Mi.Dashboard.Tests.Browser))]

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// One headless Chromium for the whole test assembly: Debian's package at /usr/bin/chromium (never downloaded), run as root
/// with no sandbox, no network beyond loopback, and a fresh profile directory deleted afterwards.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("opensips-mi-dashboard-chromium-");
    private IBrowser? _browser;

    public IBrowser Instance => _browser ?? throw new InvalidOperationException("the browser did not start");

    /// <summary>Where each test writes its screenshots (the test output folder).</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            // Fails (never skips): CI installs it in .ci/run.
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium package (apt-get install -y chromium)");
        }

        _browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            UserDataDir = _profile.FullName,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
            Timeout = 60_000,
        });
    }

    /// <summary>A new page in its own browser context (no cookies shared with other tests), 1280×800.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Instance.CreateBrowserContextAsync();
        var page = await context.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 800 });
        page.DefaultTimeout = 20_000;
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
        }

        for (var attempt = 0; attempt < 5 && _profile.Exists; attempt++)
        {
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its last files for a moment after it exits.
                await Task.Delay(200);
                _profile.Refresh();
            }
        }
    }
}
