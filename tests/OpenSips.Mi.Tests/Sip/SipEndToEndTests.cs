using System.Globalization;
using System.Net;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;
using SipHeaders = OpenSips.Mi.Sip.SipHeaders;

namespace OpenSips.Mi.Tests.Sip;

/// <summary>The helpers through the client, the emulator's t_uac_dlg and its tm, to a UDP phone on loopback.</summary>
public sealed class SipEndToEndTests : IAsyncLifetime
{
    private static readonly UacDlgOptions Wait = new() { Timeout = TimeSpan.FromSeconds(15) };
    private const string UserAgent = "User-Agent: OpenSIPS (3.6.8 (x86_64/linux))\r\n";

    private MiEmulator _emulator = null!;
    private MiEmulatorSipUac _uac = null!;
    private UdpPhone _phone = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { HttpReceiveBufferSize = 16384 }, TestContext.Current.CancellationToken);
        _uac = MiEmulatorSipUac.Attach(_emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(1.2), T1 = TimeSpan.FromMilliseconds(100), T2 = TimeSpan.FromMilliseconds(400), SocketCount = 2 });
        _phone = new UdpPhone();
    }

    public async ValueTask DisposeAsync()
    {
        await _phone.DisposeAsync();
        await _uac.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private string Via(int socket = 0) => $"Via: SIP/2.0/UDP 127.0.0.1:{_uac.SocketEndPoints[socket].Port};branch=BRANCH\r\n";

    private static string Generated(string method, string contentLength = "0") =>
        $"CSeq: 10 {method}\r\nCall-ID: CALLID\r\nMax-Forwards: 70\r\nContent-Length: {contentLength}\r\n" + UserAgent;

    public static TheoryData<string> Events()
    {
        var data = new TheoryData<string>();
        foreach (var e in PhoneEvent.All)
        {
            data.Add(e.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Every_catalogue_event_reaches_the_phone_exactly(string name)
    {
        await using var mi = MiClient.Connect(_emulator.UdpUri);
        var phoneEvent = PhoneEvent.FromName(name);

        var result = await mi.EventNotifyAsync(_phone.Uri, phoneEvent, options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        var (text, from) = await _phone.NextAsync();
        Assert.Equal(
            $"NOTIFY {_phone.Uri} SIP/2.0\r\n" + Via() + $"To: <{_phone.Uri}>\r\nFrom: <{_phone.Uri}>;tag=TAG\r\n" + Generated("NOTIFY") + $"Event: {phoneEvent.Value}\r\n\r\n",
            UdpPhone.Normalize(text));
        Assert.Equal(_uac.SocketEndPoints[0], from);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("<" + _phone.Uri + ">;tag=phone4711", result.Headers["To"]);
        Assert.Equal("10 NOTIFY", result.Headers["CSeq"]);
    }

    public static TheoryData<string> Transports() => ["udp", "unix", "http", "xmlrpc", "fifo"];

    private MiClient Connect(string transport) => transport switch
    {
        "udp" => MiClient.Connect(_emulator.UdpUri),
        "unix" => MiClient.Connect(_emulator.UnixUri),
        "http" => MiClient.Connect(_emulator.HttpUriString),
        "fifo" => MiClient.Connect(new FifoOptions(_emulator.FifoPath) { ReplyDirectory = _emulator.FifoReplyDirectory }),
        _ => MiClient.Connect(_emulator.XmlRpcUriString),
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Mwi_arrives_with_its_crlf_body_over_every_transport(string transport)
    {
        await using var mi = Connect(transport);

        var result = await mi.MwiUpdateAsync(_phone.Uri, "sip:*97@127.0.0.1", 2, 8, 0, 2, options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        var (text, _) = await _phone.NextAsync();
        const string Body = "Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 2/8 (0/2)\r\n";
        Assert.Equal(
            $"NOTIFY {_phone.Uri} SIP/2.0\r\n" + Via() + $"To: <{_phone.Uri}>\r\nFrom: <{_phone.Uri}>;tag=TAG\r\n" + Generated("NOTIFY", Body.Length.ToString(CultureInfo.InvariantCulture))
            + "Event: message-summary\r\nSubscription-State: active\r\nContent-Type: application/simple-message-summary\r\n\r\n" + Body,
            UdpPhone.Normalize(text));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(6, result.Headers.Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_request_with_body_next_hop_socket_and_placeholder_keeps_every_crlf(string transport)
    {
        await using var mi = Connect(transport);
        var headers = new SipHeaders
        {
            { "From", "<sip:pbx@127.0.0.1>;tag=fixed1" },
            { "To", "<sip:bob@example.invalid>" },
            { "Contact", "<sip:pbx@!!>" },
            { "Content-Type", "text/plain" },
            { "Route", "<sip:a.example.invalid;lr>" },
            { "Route", "<sip:b.example.invalid;lr>" },
        };

        var result = await mi.UacDlgAsync(
            "MESSAGE", "sip:bob@example.invalid", headers, nextHop: $"sip:127.0.0.1:{_phone.Port}", socket: _uac.SocketNames[1], body: "line 1\r\nline 2\r\n", options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        var (text, from) = await _phone.NextAsync();
        var second = _uac.SocketEndPoints[1];
        Assert.Equal(second, from);
        Assert.Equal(
            "MESSAGE sip:bob@example.invalid SIP/2.0\r\n" + Via(1) + "To: <sip:bob@example.invalid>\r\nFrom: <sip:pbx@127.0.0.1>;tag=fixed1\r\n" + Generated("MESSAGE", "16")
            + $"Contact: <sip:pbx@127.0.0.1:{second.Port}>\r\nContent-Type: text/plain\r\nRoute: <sip:a.example.invalid;lr>\r\nRoute: <sip:b.example.invalid;lr>\r\n\r\nline 1\r\nline 2\r\n",
            UdpPhone.Normalize(text));
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task A_request_without_body_and_caller_call_id_and_cseq()
    {
        await using var mi = MiClient.Connect(_emulator.UdpUri);
        var headers = new SipHeaders
        {
            { "f", "<sip:pbx@127.0.0.1>" },
            { "t", "<sip:bob@127.0.0.1>;tag=totag1" },
            { "Call-ID", "fixed-callid-1@127.0.0.1" },
            { "CSeq", "7 OPTIONS" },
            { "Accept", "application/sdp" },
        };

        var result = await mi.UacDlgAsync("OPTIONS", _phone.Uri, headers, options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        var (text, _) = await _phone.NextAsync();
        Assert.Equal(
            $"OPTIONS {_phone.Uri} SIP/2.0\r\n" + Via() + "To: <sip:bob@127.0.0.1>;tag=totag1\r\nFrom: <sip:pbx@127.0.0.1>;tag=TAG\r\nCSeq: 7 OPTIONS\r\nCall-ID: fixed-callid-1@127.0.0.1\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n"
            + UserAgent + "Accept: application/sdp\r\n\r\n",
            UdpPhone.Normalize(text));
        Assert.Equal("7 OPTIONS", result.Headers["CSeq"]);
    }

    [Fact]
    public async Task Busy_here_is_a_result()
    {
        _phone.Answer = PhoneAnswer.Busy;
        await using var mi = MiClient.Connect(_emulator.UdpUri);

        var result = await mi.EventNotifyAsync(_phone.Uri, PhoneEvent.SnomReboot, options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(486, result.StatusCode);
        Assert.Equal("Busy Here", result.ReasonPhrase);
        Assert.True(result.HasReply);
    }

    [Fact]
    public async Task Provisional_replies_are_not_reported()
    {
        _phone.Answer = PhoneAnswer.TryingThenOk;
        await using var mi = MiClient.Connect(_emulator.UdpUri);

        var result = await mi.EventNotifyAsync(_phone.Uri, PhoneEvent.CiscoCheckCfg, options: Wait, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(200, result.StatusCode);
        Assert.Contains(";tag=phone4711", result.Headers["To"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_phone_gets_retransmissions_then_408_without_message_while_other_calls_go_on()
    {
        _phone.Answer = PhoneAnswer.Silent;
        await using var mi = MiClient.Connect(_emulator.UdpUri);
        var ct = TestContext.Current.CancellationToken;

        var call = mi.EventNotifyAsync(_phone.Uri, PhoneEvent.PolycomCheckCfg, options: Wait, cancellationToken: ct);
        var (first, _) = await _phone.NextAsync();
        var uptime = await mi.CommandAsync("uptime", ct); // mi_datagram answers other calls meanwhile
        var result = await call;

        Assert.True(uptime.IsSuccess);
        Assert.Equal(408, result.StatusCode);
        Assert.Null(result.RawMessage);
        Assert.False(result.HasReply);
        Assert.True(_phone.Pending >= 2, $"expected retransmissions, got {_phone.Pending + 1} transmissions");
        var again = await _phone.NextAsync();
        Assert.Equal(first, again.Text);
    }

    [Fact]
    public async Task An_unknown_socket_is_a_command_error()
    {
        await using var mi = MiClient.Connect(_emulator.UdpUri);
        var headers = new SipHeaders { { "From", "<sip:a@127.0.0.1>" }, { "To", "<sip:b@127.0.0.1>" } };

        var ex = await Assert.ThrowsAsync<MiCommandException>(() => mi.UacDlgAsync("NOTIFY", _phone.Uri, headers, socket: "udp:127.0.0.1:5060", options: Wait, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(404, ex.Code);
        Assert.Equal("Local socket not found", ex.Error.Message);
        Assert.Equal(0, _phone.Pending);
    }
}
