using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>
/// What needs the emulator's hooks (a server answering markup, dialogs to end) or no browser at all: HTML escaping, the
/// anti-forgery and read-only rules on the HTTP API, the Host check, the secrets kept off the page, and ending a dialog.
/// </summary>
public sealed class DashboardSafetyTests(Browser browser) : IAsyncLifetime
{
    private const string Markup = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    private EmulatedTargets _targets = null!;

    public async ValueTask InitializeAsync() => _targets = await EmulatedTargets.StartAsync(1);

    public ValueTask DisposeAsync() => _targets.DisposeAsync();

    private Task<DashboardRun> StartAsync(params string[] extra) =>
        DashboardRun.StartAsync(["-u", _targets.Uris[0], "--interval", "200ms", "--timeout", "1", .. extra]);

    private static HttpClient Client(DashboardRun run) => new() { BaseAddress = run.Address, Timeout = TimeSpan.FromSeconds(20) };

    private static async Task<string> CsrfAsync(HttpClient http)
    {
        using var session = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/session", UriKind.Relative)));
        return session.RootElement.GetProperty("csrf").GetString()!;
    }

    private static HttpRequestMessage Post(string path, string json, string? csrf, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (csrf is not null)
        {
            request.Headers.Add("X-Dashboard-Csrf", csrf);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [Fact]
    public async Task Markup_from_a_server_is_shown_as_text_and_never_runs()
    {
        _targets[0].Handle("version", _ => MiEmulatorReply.Result(new JsonObject { ["Server"] = Markup }));
        _targets[0].State.Statistics.Set("core:<b>bold</b>", 7);
        await using var run = await StartAsync();
        var page = await browser.NewPageAsync();

        await page.GoToAsync(run.Open.ToString());
        await page.WaitForFunctionAsync("() => document.querySelector('#fleet .card .version')?.textContent.includes('<script>')");
        Assert.Equal(Markup, await page.EvaluateExpressionAsync<string>("document.querySelector('#fleet .card .version').textContent"));

        await page.GoToAsync(run.Open + "#/server/0/stats");
        await page.WaitForSelectorAsync("#stats-table tr[data-stat='core:<b>bold</b>']");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelector(\"#stats-table tr[data-stat='core:<b>bold</b>'] td\").children.length"));
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('img').length"));
        Assert.Equal(1, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('script').length"));
        Assert.Equal("undefined", await page.EvaluateExpressionAsync<string>("typeof window.__xss"));
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_or_from_another_origin_is_refused_and_sends_nothing()
    {
        await using var run = await StartAsync();
        using var http = Client(run);
        var csrf = await CsrfAsync(http);
        const string Body = "{\"method\":\"reload_routes\"}";

        using var none = await http.SendAsync(Post("/api/servers/0/mi", Body, null), TestContext.Current.CancellationToken);
        using var wrong = await http.SendAsync(Post("/api/servers/0/mi", Body, "not-the-token"), TestContext.Current.CancellationToken);
        using var foreign = await http.SendAsync(Post("/api/servers/0/mi", Body, csrf, origin: "http://evil.example"), TestContext.Current.CancellationToken);
        using var good = await http.SendAsync(Post("/api/servers/0/mi", "{\"method\":\"uptime\"}", csrf, origin: run.Address.GetLeftPart(UriPartial.Authority)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("anti-forgery", await none.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain(_targets[0].Received, r => r.Method == "reload_routes");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("\"ok\":true", await good.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_only_turns_every_action_off_in_the_api_and_the_page()
    {
        await using var run = await StartAsync("--read-only");
        using var http = Client(run);
        var csrf = await CsrfAsync(http);

        using var console = await http.SendAsync(Post("/api/servers/0/mi", "{\"method\":\"reload_routes\"}", csrf), TestContext.Current.CancellationToken);
        using var notify = await http.SendAsync(Post("/api/servers/0/notify", "{\"contact\":\"sip:a@127.0.0.1:5999\",\"event\":\"reboot\"}", csrf), TestContext.Current.CancellationToken);
        using var end = await http.SendAsync(Post("/api/servers/0/dialogs/end", "{\"id\":\"1:2\"}", csrf), TestContext.Current.CancellationToken);

        Assert.All([console, notify, end], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Contains("--read-only", await console.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain(_targets[0].Received, r => r.Method is "reload_routes" or "t_uac_dlg" or "dlg_end_dlg");

        var page = await browser.NewPageAsync();
        await page.GoToAsync(run.Open + "#/server/0/console");
        await page.WaitForSelectorAsync("#mi-run");
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.getElementById('mi-run').disabled"));
        Assert.Equal("read-only", await page.EvaluateExpressionAsync<string>("document.getElementById('mode').textContent"));
    }

    [Fact]
    public async Task On_loopback_a_request_for_another_host_name_is_refused()
    {
        await using var run = await StartAsync();
        using var http = Client(run);
        using var rebinding = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/fleet", UriKind.Relative));
        rebinding.Headers.Host = "attacker.example:" + run.Address.Port;

        using var refused = await http.SendAsync(rebinding, TestContext.Current.CancellationToken);
        using var local = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task Basic_auth_credentials_and_query_keys_never_reach_the_page_or_the_output()
    {
        await using var http = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableUdp = false, EnableUnix = false, EnableFifo = false }, TestContext.Current.CancellationToken);
        var withCredentials = http.HttpUriString.Replace("http://", "http://admin:s3cret-pass@", StringComparison.Ordinal);

        // Nothing listens on port 1: the card shows the transport error, which names the endpoint.
        const string WithKey = "http://127.0.0.1:1/mi?key=s3cret-key";
        await using var run = await DashboardRun.StartAsync(["-u", withCredentials, "-u", WithKey, "--interval", "200ms", "--timeout", "1", "--require-token"]);
        using var client = new HttpClient { BaseAddress = run.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", run.Open.Query["?token=".Length..]);

        string fleet;
        do
        {
            fleet = await client.GetStringAsync(new Uri("/api/fleet", UriKind.Relative), TestContext.Current.CancellationToken);
        }
        while (!fleet.Contains("\"reachable\":true", StringComparison.Ordinal) || !fleet.Contains("\"failures\":1", StringComparison.Ordinal));

        Assert.DoesNotContain("s3cret", fleet, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", run.Output + run.Errors, StringComparison.Ordinal);
        Assert.Contains(http.HttpUriString.TrimEnd('/'), fleet, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(fleet);
        Assert.Contains(parsed.RootElement.GetProperty("servers").EnumerateArray(), s => s.GetProperty("target").GetString() == "http://127.0.0.1:1/mi?…");
    }

    [Fact]
    public async Task A_dialog_is_ended_with_two_clicks_through_dlg_end_dlg()
    {
        var dialogs = new JsonArray(new JsonObject { ["ID"] = "1234:5678", ["state"] = 4, ["callid"] = "call-1@test", ["from_uri"] = "sip:alice@example.com", ["to_uri"] = "sip:bob@example.com", ["timestart"] = 1_800_000_000 });
        _targets[0].Handle("dlg_list", _ => MiEmulatorReply.Result(new JsonObject { ["Dialogs"] = dialogs.DeepClone() }));
        _targets[0].Handle("dlg_end_dlg", r =>
        {
            dialogs.Clear();
            return r.GetString("dialog_id", 0) == "1234:5678" ? MiEmulatorReply.Ok : MiEmulatorReply.Error(404, "Requested Dialog not found");
        });
        await using var run = await StartAsync();
        var page = await browser.NewPageAsync();

        await page.GoToAsync(run.Open + "#/server/0/dialogs");
        await page.WaitForSelectorAsync("#dialogs-table tr[data-dialog='1234:5678'] button.end");
        await page.ScreenshotAsync(Path.Combine(Browser.ScreenshotDirectory, "DashboardSafetyTests-dialogs.png"));
        await page.ClickAsync("#dialogs-table button.end");
        Assert.DoesNotContain(_targets[0].Received, r => r.Method == "dlg_end_dlg");
        await page.ClickAsync("#dialogs-table button.end");
        await page.WaitForFunctionAsync("() => document.getElementById('dialog-result').textContent.includes('ended')");

        var end = Assert.Single(_targets[0].Received, r => r.Method == "dlg_end_dlg");
        Assert.Equal("1234:5678", end.GetString("dialog_id", 0));
        await page.WaitForFunctionAsync("() => document.getElementById('dialogs').textContent.includes('No active dialogs')");
    }
}
