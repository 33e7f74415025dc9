using System.Text;

namespace OpenSips.Mi.Testing.Tests.Http;

/// <summary>libmicrohttpd / mi_http behaviours a client must survive (docs/wire-facts.md#http).</summary>
public class HttpQuirksTests
{
    private const string Uptime = "{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}";

    private static Task<MiEmulator> StartAsync(CancellationToken ct, MiEmulatorOptions? options = null) =>
        MiEmulator.StartAsync((options ?? new MiEmulatorOptions()) with { EnableFifo = false, EnableUdp = false, EnableUnix = false }, ct);

    private static async Task<(RawHttp Http, string? Head)> SendAsync(MiEmulator emulator, string request, CancellationToken ct)
    {
        var http = await RawHttp.ConnectAsync(emulator.HttpUri, ct);
        await http.SendAsync(request, ct);
        return (http, await http.ReadHeadAsync(ct));
    }

    [Theory]
    [InlineData("http_empty_body", "400 Bad Request")]
    [InlineData("http_body_1025_bytes", "400 Bad Request")]
    [InlineData("http_get", "405 Method Not Allowed")]
    [InlineData("notification_uptime", "202 Accepted")]
    [InlineData("invalid_id_object", "500 Internal Server Error")]
    [InlineData("http_ctype_form", "400 Bad Request")]
    [InlineData("http_notification_connection_close", "202 Accepted")]
    public async Task Non_200_statuses_are_chunked_and_the_body_never_comes(string name, string status)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", name + ".request.http"), cts.Token);
        var head = await http.ReadHeadAsync(cts.Token);

        Assert.NotNull(head);
        Assert.StartsWith("HTTP/1.1 " + status + "\r\n", head);
        Assert.Equal(RawHttp.WithoutDate(Encoding.ASCII.GetString(WireData.Bytes("http", name + ".response.http"))), RawHttp.WithoutDate(head));
        Assert.True(await http.StaysSilentAsync(Timeouts.Silence, cts.Token));
    }

    [Theory]
    [InlineData("http_put")]
    [InlineData("http_head")]
    public async Task Put_and_head_get_406_html_and_the_connection_is_closed(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", name + ".request.http"), cts.Token);
        var expected = Encoding.ASCII.GetString(WireData.Bytes("http", name + ".response.http"));
        var head = await http.ReadHeadAsync(cts.Token);
        Assert.Equal(RawHttp.WithoutDate(expected[..(expected.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]), RawHttp.WithoutDate(head!));
        if (name == "http_head")
        {
            Assert.True(await http.IsClosedByServerAsync(cts.Token));
        }
    }

    [Fact]
    public async Task Unknown_root_gets_400_unable_to_parse_url_and_keeps_the_connection()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", "http_wrong_root.request.http"), cts.Token);
        var (head, body) = await http.ReadResponseAsync(cts.Token);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", head);
        Assert.Equal("<html><body>Unable to parse URL!</body></html>", Encoding.ASCII.GetString(body));

        await http.SendAsync(RawHttp.Post("/mi", Uptime), cts.Token);
        Assert.StartsWith("HTTP/1.1 200 OK", (await http.ReadResponseAsync(cts.Token)).Head);
    }

    [Fact]
    public async Task Get_slash_gets_400_and_the_connection_is_closed()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", "http_get_slash.request.http"), cts.Token);
        var (head, _) = await http.ReadResponseAsync(cts.Token);
        Assert.Equal(RawHttp.WithoutDate(head), RawHttp.WithoutDate(Encoding.ASCII.GetString(WireData.Bytes("http", "http_get_slash.response.http")).Split("<html>")[0]));
        Assert.True(await http.IsClosedByServerAsync(cts.Token));
    }

    [Fact]
    public async Task Keep_alive_serves_several_requests_on_one_connection()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        for (var i = 0; i < 3; i++)
        {
            await http.SendAsync(RawHttp.Post("/mi", Uptime), cts.Token);
            var (head, _) = await http.ReadResponseAsync(cts.Token);
            Assert.Null(RawHttp.Header(head, "Connection"));
        }
    }

    [Theory]
    [InlineData("http_connection_close")]
    [InlineData("http_http10")]
    public async Task Connection_close_or_http10_closes_after_the_response(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", name + ".request.http"), cts.Token);
        var (head, _) = await http.ReadResponseAsync(cts.Token);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Equal("close", RawHttp.Header(head, "Connection"));
        Assert.True(await http.IsClosedByServerAsync(cts.Token));
    }

    [Fact]
    public async Task Expect_100_continue_gets_an_interim_response_first()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync($"POST /mi HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {Uptime.Length}\r\nExpect: 100-continue\r\n\r\n", cts.Token);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", await http.ReadHeadAsync(cts.Token));
        await http.SendAsync(Uptime, cts.Token);
        Assert.StartsWith("HTTP/1.1 200 OK", (await http.ReadResponseAsync(cts.Token)).Head);
    }

    [Fact]
    public async Task Chunked_request_bodies_are_accepted()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", "http_chunked_request.request.http"), cts.Token);
        var (head, body) = await http.ReadResponseAsync(cts.Token);
        Assert.StartsWith("HTTP/1.1 200 OK", head);
        Assert.Contains("\"Up time\"", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_second_pipelined_request_gets_no_response()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(WireData.Bytes("http", "http_pipelined_two_requests.request.http"), cts.Token);
        Assert.StartsWith("HTTP/1.1 200 OK", (await http.ReadResponseAsync(cts.Token)).Head);
        Assert.True(await http.StaysSilentAsync(Timeouts.Silence, cts.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Content-Type: text/plain\r\n")]
    public async Task Missing_or_text_plain_content_type_closes_without_response(string contentType)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync($"POST /mi HTTP/1.1\r\nHost: x\r\n{contentType}Content-Length: {Uptime.Length}\r\n\r\n{Uptime}", cts.Token);
        Assert.True(await http.IsClosedByServerAsync(cts.Token));
    }

    [Fact]
    public async Task Idle_keep_alive_connection_past_conn_timeout_is_closed_and_the_request_not_executed()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token, new MiEmulatorOptions { HttpConnectionTimeout = TimeSpan.FromMilliseconds(200) });
        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(RawHttp.Post("/mi", Uptime), cts.Token);
        await http.ReadResponseAsync(cts.Token);
        await Task.Delay(400, cts.Token);
        await http.SendAsync(RawHttp.Post("/mi", "{\"jsonrpc\":\"2.0\",\"method\":\"ul_flush\",\"id\":2}"), cts.Token);
        Assert.True(await http.IsClosedByServerAsync(cts.Token));
        Assert.DoesNotContain(emulator.Received, r => r.Method == "ul_flush");
    }

    [Fact]
    public async Task Requests_wait_while_an_async_command_is_pending()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token, new MiEmulatorOptions { UacTimeout = TimeSpan.FromMilliseconds(600) });
        using var slow = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        using var fast = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        var uac = Encoding.UTF8.GetString(WireData.Bytes("datagram", "dg_t_uac_dlg_timeout_408.request"));
        await slow.SendAsync(RawHttp.Post("/mi", uac), cts.Token);
        await Task.Delay(100, cts.Token);
        var started = DateTime.UtcNow;
        await fast.SendAsync(RawHttp.Post("/mi", Uptime), cts.Token);
        await fast.ReadResponseAsync(cts.Token);
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromMilliseconds(300));
        var (_, body) = await slow.ReadResponseAsync(cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"Status\":\"408 Request Timeout\"},\"id\":2104}", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [InlineData(16_299, true)]
    [InlineData(16_300, false)]
    public async Task A_body_over_about_16_KB_is_never_answered_whatever_receive_buf_size(int bodyBytes, bool answered)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token, new MiEmulatorOptions { HttpReceiveBufferSize = 65_536 });
        var prefix = "{\"jsonrpc\":\"2.0\",\"method\":\"cache_store\",\"params\":[\"local\",\"k\",\"";
        const string Suffix = "\"],\"id\":1}";
        var body = prefix + new string('v', bodyBytes - prefix.Length - Suffix.Length) + Suffix;

        using var http = await RawHttp.ConnectAsync(emulator.HttpUri, cts.Token);
        await http.SendAsync(RawHttp.Post("/mi", body), cts.Token);

        if (answered)
        {
            Assert.StartsWith("HTTP/1.1 200 OK", await http.ReadHeadAsync(cts.Token));
        }
        else
        {
            Assert.True(await http.StaysSilentAsync(Timeouts.Silence, cts.Token));
        }
    }
}
