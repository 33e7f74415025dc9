using System.Net;
using OpenSips.Mi.Commands;
using OpenSips.Mi.Cli.Tests;
using PuppeteerSharp;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser (headless Chromium) against servers given by <see cref="StartTargetsAsync"/>: the emulator
/// here (<see cref="EmulatorDashboardPageTests"/>), a real OpenSIPS in the integration suite. Each test runs its own
/// dashboard on 127.0.0.1:0 and writes a screenshot of the page it checks under the test output folder.
/// </summary>
public abstract class DashboardPageTests(Browser browser)
{
    /// <summary>Polls fast so the tests do not wait long for figures.</summary>
    protected static readonly string[] FastPolling = ["--interval", "200ms", "--timeout", "1"];

    protected Browser Browser { get; } = browser;

    /// <summary>Starts <paramref name="count"/> servers (all answering MI, with usrloc and t_uac_dlg).</summary>
    protected abstract Task<IDashboardTargets> StartTargetsAsync(int count);

    protected static string[] UrlArgs(IDashboardTargets targets) => [.. targets.Uris.SelectMany(u => new[] { "-u", u })];

    /// <summary>Starts the servers and a dashboard over them (polling fast, plus <paramref name="extra"/>), and opens <paramref name="path"/> in a new page.</summary>
    protected async Task<Opened> OpenAsync(int servers, string path, params string[] extra)
    {
        var targets = await StartTargetsAsync(servers);
        var run = await DashboardRun.StartAsync([.. UrlArgs(targets), .. FastPolling, .. extra]);
        var page = await Browser.NewPageAsync();
        await page.GoToAsync(run.Open + path);
        return new Opened(targets, run, page);
    }

    /// <summary>A dashboard open in a page, over its servers; disposing stops both.</summary>
    protected sealed record Opened(IDashboardTargets Targets, DashboardRun Run, IPage Page) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Page.CloseAsync();
            await Run.DisposeAsync();
            await Targets.DisposeAsync();
        }
    }

    protected async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(Browser.ScreenshotDirectory, $"{GetType().Name}-{name}.png");
        await page.ScreenshotAsync(path);
    }

    protected static Task WaitAsync(IPage page, string condition) =>
        page.WaitForFunctionAsync($"() => {{ {condition} }}", new WaitForFunctionOptions { PollingInterval = 50 });

    protected static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateExpressionAsync<string>($"document.querySelector({Js(selector)})?.textContent ?? ''");

    protected static string Js(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    [Fact]
    public async Task Fleet_lists_every_server_and_marks_a_stopped_one_unreachable_first()
    {
        await using var opened = await OpenAsync(3, string.Empty);
        var (targets, page) = (opened.Targets, opened.Page);
        await WaitAsync(page, "return document.querySelectorAll('#fleet .card[data-status=up]').length === 3;");
        foreach (var uri in targets.Uris)
        {
            Assert.NotNull(await page.QuerySelectorAsync($".card[data-target={Js(uri)}]"));
        }

        await targets.StopAsync(1);
        var stopped = Js(targets.Uris[1]);
        await WaitAsync(page, $"return document.querySelector('.card[data-target={stopped}]')?.dataset.status === 'down';");

        // Unhealthy first, with the reason, while the others stay up.
        Assert.Equal(targets.Uris[1], await page.EvaluateExpressionAsync<string>("document.querySelector('#fleet .card').dataset.target"));
        Assert.NotEqual(string.Empty, (await TextAsync(page, "#fleet .card .err")).Trim());
        Assert.Equal(2, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#fleet .card[data-status=up]').length"));
        Assert.Contains("1 unreachable", await TextAsync(page, "#fleet-summary"), StringComparison.Ordinal);
        Assert.Matches(@"updated \d+\.\d s ago", await TextAsync(page, "#fleet .card[data-status=up] .age"));
        await ScreenshotAsync(page, "fleet");
    }

    [Fact]
    public async Task A_chart_gains_points_as_polls_arrive()
    {
        await using var opened = await OpenAsync(1, "#/server/0/charts");
        var page = opened.Page;
        const string Points = "Number(document.querySelector('canvas[data-series=\"load:load\"]')?.dataset.points ?? 0)";
        await WaitAsync(page, $"return {Points} >= 2;");
        var before = await page.EvaluateExpressionAsync<int>(Points);
        await WaitAsync(page, $"return {Points} >= {before + 3};");

        Assert.Equal(5, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#charts canvas').length"));
        await ScreenshotAsync(page, "charts");
    }

    [Fact]
    public async Task The_statistics_search_filters_the_table()
    {
        await using var opened = await OpenAsync(1, "#/server/0/stats");
        var page = opened.Page;
        await WaitAsync(page, "return document.querySelectorAll('#stats-table tbody tr').length > 20;");
        var all = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#stats-table tbody tr').length");
        await page.TypeAsync("#stats-search", "tm:");
        await WaitAsync(page, "const rows = [...document.querySelectorAll('#stats-table tbody tr')]; return rows.length > 0 && rows.every(r => r.dataset.stat.includes('tm:'));");

        var shown = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('#stats-table tbody tr')].map(r => r.dataset.stat)");
        Assert.InRange(shown.Length, 1, all - 1);
        Assert.Contains("tm:inuse_transactions", shown);
        Assert.All(shown, name => Assert.StartsWith("tm:", name, StringComparison.Ordinal));
        await ScreenshotAsync(page, "statistics");
    }

    [Fact]
    public async Task The_check_sync_button_sends_a_notify_that_reaches_the_phone()
    {
        await using var targets = await StartTargetsAsync(1);
        await using var phone = new TestPhone();
        await using (var mi = MiClient.Connect(targets.Uris[0]))
        {
            await mi.UlAddAsync("location", "deskphone", phone.Uri, TimeSpan.FromHours(1), cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var run = await DashboardRun.StartAsync([.. UrlArgs(targets), .. FastPolling]);
        var page = await Browser.NewPageAsync();
        await page.GoToAsync(run.Open + "#/server/0/contacts");
        await page.TypeAsync("#aor", "deskphone");
        await page.ClickAsync("#contacts-lookup");
        await page.WaitForSelectorAsync("#contacts-table button[data-event=check-sync]");
        Assert.Equal(phone.Uri, await page.EvaluateExpressionAsync<string>("document.querySelector('#contacts-table tr[data-contact]').dataset.contact"));

        await page.ClickAsync("#contacts-table button[data-event=check-sync]");
        var notify = await phone.NextAsync();

        Assert.StartsWith($"NOTIFY {phone.Uri} SIP/2.0\r\n", notify, StringComparison.Ordinal);
        Assert.Contains("\r\nEvent: check-sync\r\n", notify, StringComparison.Ordinal);
        await WaitAsync(page, "return document.getElementById('notify-result').textContent.includes('200 OK');");
        await ScreenshotAsync(page, "contacts");
    }

    [Fact]
    public async Task The_mi_console_shows_a_result_and_an_mi_error()
    {
        await using var opened = await OpenAsync(1, "#/server/0/console");
        var page = opened.Page;

        await page.TypeAsync("#mi-method", "get_statistics");
        await page.TypeAsync("#mi-params", "[[\"tm:\"]]");
        await page.ClickAsync("#mi-run");
        await WaitAsync(page, "return document.getElementById('mi-output').textContent.includes('tm:inuse_transactions');");
        Assert.DoesNotContain("error", await page.EvaluateExpressionAsync<string>("document.getElementById('mi-output').className"), StringComparison.Ordinal);
        Assert.Contains("\n  \"tm:", await TextAsync(page, "#mi-output"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "console");

        await page.EvaluateExpressionAsync("document.getElementById('mi-method').value = ''; document.getElementById('mi-params').value = ''");
        await page.TypeAsync("#mi-method", "no_such_command");
        await page.ClickAsync("#mi-run");
        await WaitAsync(page, "return document.getElementById('mi-output').className === 'error';");
        Assert.Contains("error -32601", await TextAsync(page, "#mi-output"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "console-error");
    }

    [Fact]
    public async Task The_events_feed_shows_a_registration_as_it_happens()
    {
        await using var opened = await OpenAsync(1, "#/server/0/events");
        var (targets, page) = (opened.Targets, opened.Page);
        await WaitAsync(page, "return document.getElementById('events-status').textContent.startsWith('subscribed to');");

        await using (var mi = MiClient.Connect(targets.Uris[0]))
        {
            await mi.UlAddAsync("location", "carol", "sip:carol@127.0.0.1:5099", TimeSpan.FromHours(1), cancellationToken: TestContext.Current.CancellationToken);
        }

        await page.WaitForSelectorAsync("#events-list li[data-event=E_UL_CONTACT_INSERT]");
        Assert.Contains("sip:carol@127.0.0.1:5099", await TextAsync(page, "#events-list li[data-event=E_UL_CONTACT_INSERT]"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "events");
    }

    /// <summary>
    /// Token mode is what any non-loopback address gets (<see cref="DashboardAccessTests"/> checks that decision); the tests bind
    /// 127.0.0.1 only, so they force it with <c>--require-token</c>.
    /// </summary>
    [Fact]
    public async Task Without_the_token_a_token_mode_dashboard_refuses_and_with_it_serves()
    {
        await using var targets = await StartTargetsAsync(1);
        await using var run = await DashboardRun.StartAsync([.. UrlArgs(targets), .. FastPolling, "--require-token"]);
        Assert.Contains("?token=", run.Open.Query, StringComparison.Ordinal);
        var page = await Browser.NewPageAsync();

        var refused = await page.GoToAsync(run.Address.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("needs its access token", await page.EvaluateExpressionAsync<string>("document.body.textContent"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "token-refused");
        var api = await page.GoToAsync(run.Address + "api/fleet");
        Assert.Equal(HttpStatusCode.Unauthorized, api.Status);

        await page.GoToAsync(run.Open.ToString());
        await WaitAsync(page, "return document.querySelectorAll('#fleet .card[data-status=up]').length === 1;");
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
    }
}

/// <summary><see cref="DashboardPageTests"/> against the in-process emulator.</summary>
public sealed class EmulatorDashboardPageTests(Browser browser) : DashboardPageTests(browser)
{
    protected override async Task<IDashboardTargets> StartTargetsAsync(int count) => await EmulatedTargets.StartAsync(count);
}
