namespace OpenSips.Mi.Dashboard.Tests;

/// <summary><c>dashboard --emulated --emulators N</c> in the browser: a fleet whose figures move (two of the pictures in docs/dashboard.md).</summary>
public sealed class DemoFleetPageTests(Browser browser)
{
    [Fact]
    public async Task An_emulated_fleet_shows_every_card_and_fills_its_charts()
    {
        await using var run = await DashboardRun.StartAsync(["--emulated", "--emulators", "12", "--interval", "100ms"]);
        var page = await browser.NewPageAsync();

        await page.GoToAsync(run.Open.ToString());
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#fleet .card[data-status=up]').length === 12");
        await page.ScreenshotAsync(Path.Combine(Browser.ScreenshotDirectory, "DemoFleetPageTests-fleet.png"));

        await page.GoToAsync(run.Open + "#/server/0/charts");
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('canvas[data-series=\"load:load\"]')?.dataset.points ?? 0) >= 60",
            new PuppeteerSharp.WaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        var loads = await page.EvaluateExpressionAsync<string>("document.querySelector('.chart[data-series=\"load:load\"] .last').textContent");
        Assert.Matches(@"^\d+(\.\d+)? at ", loads);
        await page.ScreenshotAsync(Path.Combine(Browser.ScreenshotDirectory, "DemoFleetPageTests-charts.png"));
    }
}
