using System.Net;
using System.Net.Sockets;
using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Tests.Sip;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Tests.Trace;

/// <summary>
/// <c>TraceAsync</c> end to end against the emulator on loopback: <c>trace_start</c>/<c>trace_stop</c>, the HEP listener
/// over UDP and TCP, and the SIP the emulated OpenSIPS relays for a <c>t_uac_dlg</c> sent through itself.
/// </summary>
public sealed class TraceSubscriptionTests : IAsyncLifetime
{
    private MiEmulator _emulator = null!;
    private MiEmulatorSipUac _uac = null!;
    private UdpPhone _phone = null!;
    private MiClient _mi = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The emulated OpenSIPS's SIP socket, <c>127.0.0.1:P</c>.</summary>
    private IPEndPoint Proxy => _uac.SocketEndPoints[0];

    public async ValueTask InitializeAsync()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableFifo = false, EnableUnix = false }, Ct);
        _uac = MiEmulatorSipUac.Attach(_emulator, new SipUacOptions { FinalResponseTimeout = TimeSpan.FromSeconds(3), T1 = TimeSpan.FromMilliseconds(200), T2 = TimeSpan.FromMilliseconds(800) });
        _phone = new UdpPhone();
        _mi = MiClient.Connect(_emulator.UdpUri);
        foreach (var user in new[] { "alice", "bob" })
        {
            _emulator.State.Usrloc.Remove(user);
            _emulator.State.Usrloc.Add(user, new MiContact { Contact = $"sip:{user}@127.0.0.1:{_phone.Port}", ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _mi.DisposeAsync();
        await _phone.DisposeAsync();
        await _uac.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    /// <summary>A NOTIFY to an AOR of the emulated OpenSIPS: it looks the contact up and relays it to the phone.</summary>
    private Task<UacResult> NotifyThroughProxyAsync(string user) =>
        _mi.EventNotifyAsync($"sip:{user}@127.0.0.1:{Proxy.Port}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);

    private static async Task<List<SipTraceMessage>> ReadAsync(MiTraceSubscription trace, int count)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var messages = new List<SipTraceMessage>();
        await foreach (var m in trace.ReadAllAsync(bound.Token))
        {
            messages.Add(m);
            if (messages.Count == count)
            {
                break;
            }
        }

        return messages;
    }

    /// <summary>Sends a datagram to the listener from 127.0.0.1 (as the MI server's address).</summary>
    private static async Task SendAsync(MiTraceSubscription trace, byte[] datagram)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await udp.SendToAsync(datagram, SocketFlags.None, trace.LocalEndPoint, Ct);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition(), "the condition did not become true within 5 s");
    }

    [Theory]
    [InlineData("udp://127.0.0.1:0")]
    [InlineData("tcp://127.0.0.1:0")]
    public async Task A_NOTIFY_relayed_by_OpenSIPS_shows_both_requests_and_both_replies_in_order(string listen)
    {
        await using var trace = await _mi.TraceAsync(new MiTraceOptions { Listen = listen, Caller = "alice" }, Ct);

        var result = await NotifyThroughProxyAsync("alice");
        var messages = await ReadAsync(trace, 4);

        Assert.Equal(200, result.StatusCode);
        var uac = Proxy;
        var phone = new IPEndPoint(IPAddress.Loopback, _phone.Port);
        Assert.Equal(
            [("NOTIFY", uac, Proxy), ("NOTIFY", Proxy, phone), ("200", phone, Proxy), ("200", Proxy, uac)],
            messages.Select(m => (m.IsRequest ? m.Method! : m.StatusCode!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Source, m.Destination)));
        Assert.Single(messages.Select(m => m.CallId).Distinct());
        Assert.All(messages, m => Assert.Equal(m.CallId, m.CorrelationId));
        Assert.Equal($"NOTIFY sip:alice@127.0.0.1:{Proxy.Port} SIP/2.0", messages[0].StartLine);
        Assert.Equal($"NOTIFY sip:alice@127.0.0.1:{_phone.Port} SIP/2.0", messages[1].StartLine);
        Assert.Contains("Max-Forwards: 69", messages[1].Text, StringComparison.Ordinal);
        Assert.Equal("phone4711", messages[3].ToTag);
        Assert.All(messages, m => Assert.Equal("udp", m.Transport));
        Assert.StartsWith(listen[..3] + ":127.0.0.1:", messages[0].HepSource, StringComparison.Ordinal);
        Assert.Equal(0, trace.MalformedCount);
    }

    [Fact]
    public async Task trace_start_gets_a_unique_id_the_filters_the_scope_and_type_sip()
    {
        var options = new MiTraceOptions { Caller = "sip:alice@example.com:5060;transport=tcp", Callee = "bob", SourceIp = IPAddress.Loopback };
        await using var first = await _mi.TraceAsync(options, Ct);
        await using var second = await _mi.TraceAsync(MiTraceOptions.Default, Ct);

        Assert.NotEqual(first.Id, second.Id);
        Assert.StartsWith("opensips-mi-", first.Id, StringComparison.Ordinal);
        Assert.Equal($"hep:127.0.0.1:{((IPEndPoint)first.LocalEndPoint).Port};transport=udp;version=3", first.Uri);
        Assert.Equal(["caller=alice@example.com", "callee=bob", "ip=127.0.0.1"], first.Filters);
        var request = _emulator.Received.First(r => r.Method == "trace_start");
        Assert.Equal(first.Id, request.GetString("id"));
        Assert.Equal("t", request.GetString("scope"));
        Assert.Equal("sip", request.GetString("type"));
        var destination = _emulator.TraceDestinations.Single(d => d.Name == first.Id);
        Assert.Equal(("HEP", "udp", 3, "t"), (destination.Type, destination.Transport, destination.HepVersion, destination.Scope));
        Assert.Equal(["ip=127.0.0.1", "callee=bob", "caller=alice@example.com"], destination.Filters);
        Assert.Empty(_emulator.TraceDestinations.Single(d => d.Name == second.Id).Filters);
    }

    [Fact]
    public async Task Dispose_sends_trace_stop_ends_the_stream_and_frees_the_port()
    {
        var trace = await _mi.TraceAsync(new MiTraceOptions { Listen = "tcp://127.0.0.1:0" }, Ct);
        var port = ((IPEndPoint)trace.LocalEndPoint).Port;
        var reading = ReadAsync(trace, 1);

        await trace.DisposeAsync();
        await trace.DisposeAsync();

        Assert.Empty(await reading);
        Assert.Empty(_emulator.TraceDestinations);
        Assert.Single(_emulator.Received, r => r.Method == "trace_stop" && r.GetString("id") == trace.Id);
        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        rebind.Bind(new IPEndPoint(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task A_NOTIFY_sent_straight_to_the_phone_is_not_traced_as_on_a_real_OpenSIPS()
    {
        await using var trace = await _mi.TraceAsync(cancellationToken: Ct);

        var direct = await _mi.EventNotifyAsync($"sip:alice@127.0.0.1:{_phone.Port}", PhoneEvent.PolycomCheckCfg, cancellationToken: Ct);
        var relayed = await NotifyThroughProxyAsync("bob");
        var first = (await ReadAsync(trace, 1))[0];

        Assert.Equal((200, 200), (direct.StatusCode, relayed.StatusCode));
        Assert.Equal($"NOTIFY sip:bob@127.0.0.1:{Proxy.Port} SIP/2.0", first.StartLine);
    }

    [Fact]
    public async Task A_caller_filter_lets_one_users_traffic_through_and_not_anothers()
    {
        await using var trace = await _mi.TraceAsync(new MiTraceOptions { Caller = "alice", Scope = MiTraceScope.Message }, Ct);

        await NotifyThroughProxyAsync("bob");
        await NotifyThroughProxyAsync("alice");
        var first = (await ReadAsync(trace, 1))[0];

        Assert.StartsWith("NOTIFY sip:alice@", first.StartLine, StringComparison.Ordinal);
        await Task.Delay(200, Ct);
        Assert.False(trace.TryRead(out var more), $"message scope traces the request alone, got {more}");
    }

    [Fact]
    public async Task Dialog_scope_the_OpenSIPS_default_does_not_trace_a_NOTIFY()
    {
        await using var dialog = await _mi.TraceAsync(new MiTraceOptions { Scope = MiTraceScope.Dialog }, Ct);
        await using var transaction = await _mi.TraceAsync(new MiTraceOptions { Scope = MiTraceScope.Transaction }, Ct);

        await NotifyThroughProxyAsync("alice");
        await ReadAsync(transaction, 4);

        Assert.False(dialog.TryRead(out _));
        Assert.Equal("d", _emulator.TraceDestinations.Single(d => d.Name == dialog.Id).Scope);
    }

    [Fact]
    public async Task Without_the_tracer_module_trace_start_is_refused_and_the_listener_closed()
    {
        _emulator.Remove("trace_start");
        var listen = new IPEndPoint(IPAddress.Loopback, 0);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(listen);
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();

        var error = await Assert.ThrowsAsync<MiCommandException>(() => _mi.TraceAsync(new MiTraceOptions { Listen = $"udp://127.0.0.1:{port}" }, Ct));

        Assert.Equal(-32601, error.Error.Code);
        using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rebind.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Assert.DoesNotContain(_emulator.Received, r => r.Method == "trace_stop");
    }

    [Fact]
    public async Task A_trace_start_without_answer_times_out_and_trace_stop_is_still_sent()
    {
        _emulator.Faults.Add(MiFault.DropReply(r => r.Method == "trace_start", times: 1));
        await using var quick = MiClient.Connect(new DatagramOptions("127.0.0.1", _emulator.UdpEndPoint.Port) { Timeout = TimeSpan.FromMilliseconds(300) });

        await Assert.ThrowsAsync<MiTimeoutException>(() => quick.TraceAsync(cancellationToken: Ct));

        var started = _emulator.Received.Single(r => r.Method == "trace_start").GetString("id");
        Assert.Single(_emulator.Received, r => r.Method == "trace_stop" && r.GetString("id") == started);
        Assert.Empty(_emulator.TraceDestinations);
    }

    [Fact]
    public async Task HEPv2_and_junk_are_counted_as_malformed_and_the_stream_goes_on()
    {
        await using var trace = await _mi.TraceAsync(cancellationToken: Ct);

        await SendAsync(trace, "not hep at all"u8.ToArray());
        await SendAsync(trace, HepCaptures.Version2);
        await SendAsync(trace, HepCaptures.RegisterRequest);
        var message = (await ReadAsync(trace, 1))[0];

        Assert.Equal("REGISTER", message.Method);
        Assert.Equal(2, trace.MalformedCount);
        Assert.Equal(1, trace.ReceivedCount);
    }

    [Fact]
    public async Task A_HEP_version_2_destination_is_what_the_emulated_OpenSIPS_sends_and_it_is_refused()
    {
        await using var trace = await _mi.TraceAsync(cancellationToken: Ct);
        var start = MiParams.Named(("id", "v2"), ("uri", $"hep:127.0.0.1:{((IPEndPoint)trace.LocalEndPoint).Port};version=2"), ("filter", MiValue.Array()), ("scope", "m"), ("type", "sip"));
        (await _mi.CommandAsync("trace_start", start, Ct)).EnsureSuccess();

        await NotifyThroughProxyAsync("alice");
        await ReadAsync(trace, 4);
        await WaitUntilAsync(() => trace.MalformedCount == 1);

        (await _mi.CommandAsync("trace_stop", MiParams.Named(("id", "v2")), Ct)).EnsureSuccess();
    }

    [Fact]
    public async Task A_sender_other_than_the_MI_server_is_rejected()
    {
        await using var trace = await _mi.TraceAsync(new MiTraceOptions { AllowedSources = [IPAddress.Parse("192.0.2.1")] }, Ct);

        await SendAsync(trace, HepCaptures.RegisterRequest);
        await WaitUntilAsync(() => trace.RejectedCount == 1);

        Assert.False(trace.TryRead(out _));
    }

    [Fact]
    public async Task A_slow_reader_loses_the_oldest_messages_and_they_are_counted()
    {
        await using var trace = await _mi.TraceAsync(new MiTraceOptions { Capacity = 2 }, Ct);

        for (var i = 0; i < 4; i++)
        {
            await SendAsync(trace, HepCaptures.RegisterRequest);
        }

        await SendAsync(trace, HepCaptures.RegisterReply);
        await WaitUntilAsync(() => trace.ReceivedCount == 5);

        Assert.Equal(3, trace.DroppedCount);
        var kept = await ReadAsync(trace, 2);
        Assert.Equal(["REGISTER", "200"], kept.Select(m => m.IsRequest ? m.Method : m.StartLine[8..11]));
    }

    [Fact]
    public async Task Dispose_is_bounded_and_quiet_when_the_server_is_gone()
    {
        var trace = await _mi.TraceAsync(new MiTraceOptions { DisposeTimeout = TimeSpan.FromSeconds(1) }, Ct);
        await _emulator.DisposeAsync();

        var started = DateTime.UtcNow;
        await trace.DisposeAsync();

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.False(trace.TryRead(out _));
    }
}
