using System.Text.Json.Nodes;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>The extension methods against a hand-driven UDP socket replaying the captured replies.</summary>
public class SipExtensionsRawTests
{
    private static readonly SipHeaders CheckSync = new()
    {
        { "From", "<sip:opensips@127.0.0.1>;tag=mi-from-1" },
        { "To", "<sip:bob@127.0.0.1>" },
        { "Event", "check-sync" },
        { "Subscription-State", "active" },
        { "Contact", "<sip:opensips@127.0.0.1:5060>" },
    };

    [Fact]
    public async Task The_request_is_the_captured_one_and_the_reply_waits_longer_than_the_client_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new RawUdpServer();
        await using var mi = MiClient.Connect(new DatagramOptions("127.0.0.1", server.Port) { Timeout = TimeSpan.FromMilliseconds(300) });

        var call = mi.UacDlgAsync("NOTIFY", "sip:bob@127.0.0.1:5080", CheckSync, options: new UacDlgOptions { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken: ct);
        var (request, from) = await server.ReceiveAsync(ct);
        var captured = JsonNode.Parse(WireCaptures.ReadBytes("datagram/t_uac_dlg_notify_check_sync.request"))!;
        Assert.True(JsonNode.DeepEquals(captured["params"], request["params"]));
        Assert.Equal("t_uac_dlg", (string)request["method"]!);

        await Task.Delay(600, ct); // past the client's own 300 ms timeout
        var reply = JsonNode.Parse(WireCaptures.ReadBytes("datagram/t_uac_dlg_notify_check_sync.response"))!;
        await server.ReplyAsync(request, from, reply["result"]!.ToJsonString(), ct);

        var result = await call;
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("CSeq", result.Headers[4].Name);
    }

    [Fact]
    public async Task A_json_rpc_error_is_a_command_exception()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new RawUdpServer();
        await using var mi = MiClient.Connect(server.Uri);

        var call = mi.UacDlgAsync("NOTIFY", "sip:bob@127.0.0.1:5080", CheckSync, socket: "udp:127.0.0.1:5999", cancellationToken: ct);
        var (request, from) = await server.ReceiveAsync(ct);
        Assert.Equal("udp:127.0.0.1:5999", (string)request["params"]!["socket"]!);
        await server.SendAsync($$"""{"jsonrpc":"2.0","error":{"code":404,"message":"Local socket not found"},"id":{{request["id"]!.ToJsonString()}}}""", from, ct);

        var ex = await Assert.ThrowsAsync<MiCommandException>(() => call);
        Assert.Equal(404, ex.Code);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_before_sending_and_the_callers_headers_are_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        using var server = new RawUdpServer();
        await using var mi = MiClient.Connect(server.Uri);
        var headers = CheckSync.Clone();
        headers.Add("Content-Length", "0");

        await Assert.ThrowsAsync<ArgumentException>(() => mi.UacDlgAsync("NOTIFY", "sip:bob@127.0.0.1", headers, cancellationToken: ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => mi.MwiUpdateAsync("sip:bob@127.0.0.1", "sip:*97@127.0.0.1", -1, cancellationToken: ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => mi.EventNotifyAsync("sip:bob@127.0.0.1", PhoneEvent.SnomReboot, options: new UacDlgOptions { Timeout = TimeSpan.Zero }, cancellationToken: ct));

        var mine = new SipHeaders { { "X-A", "1" } };
        var call = mi.EventNotifyAsync("sip:bob@127.0.0.1:5080", "check-sync", mine, cancellationToken: ct);
        var (request, from) = await server.ReceiveAsync(ct);
        await server.ReplyAsync(request, from, """{"Status":"408 Request Timeout"}""", ct);
        var result = await call;
        Assert.Equal(408, result.StatusCode);
        Assert.Single(mine);
        Assert.Matches("^From: <sip:bob@127.0.0.1:5080>;tag=[0-9a-f]{32}\r\nTo: <sip:bob@127.0.0.1:5080>\r\nEvent: check-sync\r\nX-A: 1\r\n$", (string)request["params"]!["headers"]!);
    }
}
