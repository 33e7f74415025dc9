using System.Globalization;
using System.Text.RegularExpressions;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.IntegrationTests.Sip;

/// <summary>
/// The SIP helpers through a real OpenSIPS's tm (<c>t_uac_dlg</c>) to loopback phones: the exact bytes each phone
/// receives, a busy phone and a silent one (fr_timeout is 2 s in the fixture).
/// </summary>
public abstract partial class SipHelperTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private static readonly UacDlgOptions Wait = new() { Timeout = TimeSpan.FromSeconds(15) };

    private static string Via(OpenSipsServer server) => string.Create(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP 127.0.0.1:{server.Ports.Sip};branch=BRANCH\r\n");

    private string Generated(string method, int contentLength = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"CSeq: 10 {method}\r\nCall-ID: CALLID\r\nMax-Forwards: 70\r\nContent-Length: {contentLength}\r\n")
        + $"User-Agent: OpenSIPS ({Servers.Version} (x86_64/linux))\r\n";

    [Theory]
    [MemberData(nameof(SipData.Events), MemberType = typeof(SipData))]
    public async Task Every_catalogue_event_reaches_the_phone_exactly(string name)
    {
        await using var phone = new SipPhone("phone");
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var phoneEvent = PhoneEvent.FromName(name);

        var result = await mi.EventNotifyAsync(phone.Uri, phoneEvent, options: Wait, cancellationToken: Ct);

        var notify = await phone.NextRequestAsync();
        Assert.Equal(
            $"NOTIFY {phone.Uri} SIP/2.0\r\n" + Via(Servers.Main) + $"To: <{phone.Uri}>\r\nFrom: <{phone.Uri}>;tag=TAG\r\n" + Generated("NOTIFY")
            + $"Event: {phoneEvent.Value}\r\n\r\n",
            Normalize(notify.Text));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("10 NOTIFY", result.Headers["CSeq"]);
        Assert.NotNull(SipMessage.Tag(result.Headers["To"]));
    }

    [Theory]
    [MemberData(nameof(SipData.Transports), MemberType = typeof(SipData))]
    public async Task Mwi_arrives_with_its_crlf_body_over_every_transport(MiTransportKind transport)
    {
        await using var phone = new SipPhone("lamp");
        await using var mi = Servers.Connect(transport);
        var server = Servers.ServerFor(transport);

        var result = await mi.MwiUpdateAsync(phone.Uri, "sip:*97@127.0.0.1", 2, 8, 0, 2, options: Wait, cancellationToken: Ct);

        var notify = await phone.NextRequestAsync();
        const string Body = "Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 2/8 (0/2)\r\n";
        Assert.Equal(
            $"NOTIFY {phone.Uri} SIP/2.0\r\n" + Via(server) + $"To: <{phone.Uri}>\r\nFrom: <{phone.Uri}>;tag=TAG\r\n" + Generated("NOTIFY", Body.Length)
            + "Event: message-summary\r\nSubscription-State: active\r\nContent-Type: application/simple-message-summary\r\n\r\n" + Body,
            Normalize(notify.Text));
        Assert.Equal(200, result.StatusCode);
        Assert.True(result.HasReply);
    }

    [Fact]
    public async Task A_busy_phone_is_a_result_with_its_reply()
    {
        await using var phone = new SipPhone("busy", SipAnswer.Busy);
        await using var mi = Servers.Connect(MiTransportKind.Http);

        var result = await mi.EventNotifyAsync(phone.Uri, PhoneEvent.SnomReboot, options: Wait, cancellationToken: Ct);

        Assert.Equal(486, result.StatusCode);
        Assert.Equal("Busy Here", result.ReasonPhrase);
        Assert.False(result.IsSuccess);
        Assert.Contains("User-Agent: opensips-mi-test-phone", result.RawMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_phone_gets_retransmissions_then_408_without_reply_while_other_calls_go_on()
    {
        await using var phone = new SipPhone("silent", SipAnswer.Silent);
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var call = mi.EventNotifyAsync(phone.Uri, PhoneEvent.PolycomCheckCfg, options: Wait, cancellationToken: Ct);
        var first = await phone.NextRequestAsync();
        var uptime = await mi.CommandAsync("uptime", Ct);
        var result = await call;

        Assert.True(uptime.IsSuccess);
        Assert.Equal(408, result.StatusCode);
        Assert.False(result.HasReply);
        // tm's fr_timeout (2 s here) runs on a one-second tick, so the 408 comes after 1 to 2 s: the first
        // retransmission (T1 = 500 ms) always precedes it, the second (at 1.5 s) only sometimes.
        Assert.True(phone.PendingRequests >= 1, $"expected a retransmission, got {phone.PendingRequests + 1} transmission(s)");
        Assert.Equal(first.Text, (await phone.NextRequestAsync()).Text);
    }

    [Fact]
    public async Task A_request_with_body_next_hop_and_placeholder_keeps_every_crlf()
    {
        await using var phone = new SipPhone("msg");
        await using var mi = Servers.Connect(MiTransportKind.XmlRpc);
        var headers = new OpenSips.Mi.Sip.SipHeaders
        {
            { "From", "<sip:pbx@127.0.0.1>;tag=fixed1" },
            { "To", "<sip:bob@example.invalid>" },
            { "Contact", "<sip:pbx@!!>" },
            { "Content-Type", "text/plain" },
        };

        var result = await mi.UacDlgAsync("MESSAGE", "sip:bob@example.invalid", headers, nextHop: $"sip:127.0.0.1:{phone.Port}", body: "line 1\r\nline 2\r\n", options: Wait, cancellationToken: Ct);

        var message = await phone.NextRequestAsync();
        Assert.Equal(
            "MESSAGE sip:bob@example.invalid SIP/2.0\r\n" + Via(Servers.Main) + "To: <sip:bob@example.invalid>\r\nFrom: <sip:pbx@127.0.0.1>;tag=fixed1\r\n" + Generated("MESSAGE", 16)
            + $"Contact: <sip:pbx@127.0.0.1:{Servers.Main.Ports.Sip}>\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n",
            Normalize(message.Text));
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task An_unknown_socket_is_a_command_error_and_nothing_is_sent()
    {
        await using var phone = new SipPhone("nosock");
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var headers = new OpenSips.Mi.Sip.SipHeaders { { "From", "<sip:a@127.0.0.1>" }, { "To", "<sip:b@127.0.0.1>" } };

        var ex = await Assert.ThrowsAsync<MiCommandException>(() => mi.UacDlgAsync("NOTIFY", phone.Uri, headers, socket: "udp:127.0.0.1:1", options: Wait, cancellationToken: Ct));

        Assert.Equal(404, ex.Code);
        Assert.Equal("Local socket not found", ex.Error.Message);
        Assert.Equal(0, phone.PendingRequests);
    }

    /// <summary>Replaces what OpenSIPS and the library generate at random (branch, Call-ID, tags) by fixed words.</summary>
    private static string Normalize(string sip)
    {
        sip = Branch().Replace(sip, "branch=BRANCH");
        sip = CallId().Replace(sip, "Call-ID: CALLID");
        return Tag().Replace(sip, ";tag=TAG");
    }

    [GeneratedRegex(@"branch=z9hG4bK[0-9a-f]{1,4}\.[0-9a-f]{1,8}\.0")]
    private static partial Regex Branch();

    [GeneratedRegex(@"Call-ID: [0-9a-f]{16}-\d+@127\.0\.0\.1")]
    private static partial Regex CallId();

    [GeneratedRegex(@";tag=[0-9a-f]{32}(-[0-9a-f]{4})?")]
    private static partial Regex Tag();
}

public static class SipData
{
    public static TheoryData<string> Events()
    {
        var data = new TheoryData<string>();
        foreach (var e in PhoneEvent.All)
        {
            data.Add(e.Name);
        }

        return data;
    }

    public static TheoryData<MiTransportKind> Transports() =>
        [MiTransportKind.Udp, MiTransportKind.Unix, MiTransportKind.Http, MiTransportKind.XmlRpc, MiTransportKind.Fifo];
}

[Collection(V34.Name)]
public sealed class SipHelpers34(Servers34 servers) : SipHelperTests<Servers34>(servers);

[Collection(V36.Name)]
public sealed class SipHelpers36(Servers36 servers) : SipHelperTests<Servers36>(servers);

[Collection(V40.Name)]
public sealed class SipHelpers40(Servers40 servers) : SipHelperTests<Servers40>(servers);
