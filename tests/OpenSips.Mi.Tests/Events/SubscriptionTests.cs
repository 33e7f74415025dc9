using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Events;

/// <summary>Subscriptions end to end against the emulator on loopback.</summary>
public class SubscriptionTests
{
    private static CancellationTokenSource Bound(int seconds = 15) =>
        CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken, new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token);

    private static Task<MiEmulator> StartAsync(TimeProvider? time = null) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableFifo = false, EnableUnix = false, TimeProvider = time });

    private static async Task<List<MiEvent>> ReadAsync(MiSubscription sub, int count, CancellationToken ct)
    {
        var events = new List<MiEvent>();
        await foreach (var ev in sub.ReadAllAsync(ct))
        {
            events.Add(ev);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(5, ct);
        }
    }

    private static int Port(string socket) => int.Parse(socket[(socket.LastIndexOf(':') + 1)..].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Udp_events_arrive_from_an_ephemeral_port_of_the_server()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", cancellationToken: cts.Token);

        Assert.StartsWith("udp:127.0.0.1:", sub.Socket, StringComparison.Ordinal);
        Assert.Equal(((IPEndPoint)sub.LocalEndPoint).Port, Port(sub.Socket));
        var subscriber = Assert.Single(emulator.State.Subscribers);
        Assert.Equal(("E_CORE_THRESHOLD", sub.Socket, 3600), (subscriber.Event, subscriber.Socket, subscriber.Expire));

        Assert.Equal(1, await emulator.RaiseEventAsync("E_CORE_THRESHOLD", new JsonObject { ["source"] = "db", ["time"] = 1500, ["extra"] = "slow" }));
        var raised = await mi.CommandAsync("raise_event", MiParams.Named(("event", "E_CORE_THRESHOLD"), ("params", "{\"source\":\"mi-test\",\"time\":123,\"extra\":\"x\"}")), cts.Token);
        Assert.Equal("OK", raised.GetResult().GetString());

        var events = await ReadAsync(sub, 2, cts.Token);
        Assert.Equal(new MiCoreThresholdEvent("db", 1500, "slow"), events[0].AsCoreThreshold());
        Assert.Equal(new MiCoreThresholdEvent("mi-test", 123, "x"), events[1].AsCoreThreshold());
        Assert.All(events, e => Assert.Equal("E_CORE_THRESHOLD", e.Name));
        Assert.StartsWith("udp:127.0.0.1:", events[0].Source, StringComparison.Ordinal);
        Assert.NotEqual(emulator.UdpEndPoint.Port, Port(events[0].Source));
        Assert.Equal(0, sub.MalformedCount);
    }

    [Fact]
    public async Task Tcp_carries_several_events_back_to_back_on_one_subscription()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync(["E_UL_AOR_INSERT", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_DELETE", "E_UL_AOR_DELETE"],
            new MiSubscriptionOptions { Listen = "tcp://127.0.0.1:0" }, cts.Token);
        Assert.StartsWith("tcp:127.0.0.1:", sub.Socket, StringComparison.Ordinal);
        Assert.Equal(MiEventListenerKind.Tcp, sub.ListenerKind);
        Assert.Equal(4, emulator.State.Subscribers.Count);

        // q and cflags as a real OpenSIPS takes them (it refuses an empty q and a string cflags).
        (await mi.CommandAsync("ul_add", MiParams.Positional("location", "carol", "sip:carol@127.0.0.1:5082", 3600, "0.5", 0, 0, 0), cts.Token)).EnsureSuccess();
        (await mi.CommandAsync("ul_rm", MiParams.Positional("location", "carol"), cts.Token)).EnsureSuccess();

        var events = await ReadAsync(sub, 4, cts.Token);
        Assert.Equal(["E_UL_AOR_INSERT", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_DELETE", "E_UL_AOR_DELETE"], events.Select(e => e.Name));
        Assert.Equal(new MiUsrlocAorEvent("location", "carol"), events[0].AsUsrlocAor());
        var contact = events[1].AsUsrlocContact()!;
        Assert.Equal(("carol", "sip:carol@127.0.0.1:5082", 500.0), (contact.Aor, contact.Uri, contact.Qval!.Value));
        Assert.Equal(contact, events[2].AsUsrlocContact());
        Assert.All(events, e => Assert.StartsWith("tcp:127.0.0.1:", e.Source, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tcp_method_suffix_replaces_the_method_name()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_UL_AOR_INSERT", new MiSubscriptionOptions { Listen = "tcp://127.0.0.1:0/my_method" }, cts.Token);
        Assert.EndsWith("/my_method", sub.Socket, StringComparison.Ordinal);

        await emulator.RaiseEventAsync("E_UL_AOR_INSERT", new JsonObject { ["domain"] = "location", ["aor"] = "dave" });
        var ev = Assert.Single(await ReadAsync(sub, 1, cts.Token));
        Assert.Equal("my_method", ev.Name);
        Assert.Equal("dave", ev.AsUsrlocAor()!.Aor);
    }

    [Fact]
    public async Task Unix_datagram_events_arrive_and_the_socket_file_is_removed()
    {
        using var cts = Bound();
        var dir = Directory.CreateTempSubdirectory("mi-events-");
        try
        {
            var path = Path.Combine(dir.FullName, "ev.sock");
            await using var emulator = await StartAsync();
            await using var mi = MiClient.Connect(emulator.UdpUri);
            // pike is not loaded in the emulated server: refused, and the socket file is removed again.
            await Assert.ThrowsAsync<MiCommandException>(() => mi.SubscribeAsync("E_PIKE_BLOCKED", new MiSubscriptionOptions { Listen = "unix://" + path }, cts.Token));
            Assert.False(File.Exists(path));

            emulator.State.Events.Add("E_PIKE_BLOCKED");
            await using (var pike = await mi.SubscribeAsync("E_PIKE_BLOCKED", new MiSubscriptionOptions { Listen = "unix://" + path }, cts.Token))
            {
                Assert.Equal("unix:" + path, pike.Socket);
                Assert.True(File.Exists(path));
                await emulator.RaiseEventAsync("E_PIKE_BLOCKED", new JsonObject { ["ip"] = "192.0.2.7" });
                var ev = Assert.Single(await ReadAsync(pike, 1, cts.Token));
                Assert.Equal("192.0.2.7", ev.AsPikeBlocked()!.Ip);
                Assert.StartsWith("unix:", ev.Source, StringComparison.Ordinal);
            }

            Assert.False(File.Exists(path));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Dispose_unsubscribes_every_event_and_ends_the_stream()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        var sub = await mi.SubscribeAsync(["E_UL_AOR_INSERT", "E_UL_AOR_DELETE"], cancellationToken: cts.Token);
        var reading = ReadAsync(sub, 100, cts.Token);

        await sub.DisposeAsync();
        await sub.DisposeAsync();

        Assert.Empty(await reading);
        Assert.All(emulator.State.Subscribers, s => Assert.Equal(0, s.Expire));
        var list = (await mi.CommandAsync("subscribers_list", cts.Token)).GetResult();
        Assert.All(list.GetProperty("Events").EnumerateArray().SelectMany(e => e.GetProperty("Subscribers").EnumerateArray()),
            s => Assert.Equal("expired", s.GetProperty("ttl").GetString()));
        // Like OpenSIPS, expire 0 ends a subscription once its second is over.
        await Task.Delay(TimeSpan.FromMilliseconds(1100), cts.Token);
        Assert.Equal(0, await emulator.RaiseEventAsync("E_UL_AOR_INSERT"));
        var subscribes = emulator.Received.Where(r => r.Method == "event_subscribe").Select(r => r.Params!.ToJsonString()).ToList();
        Assert.Equal(4, subscribes.Count);
        Assert.Equal($"[\"E_UL_AOR_INSERT\",\"{sub.Socket}\",0]", subscribes[2]);
    }

    [Fact]
    public async Task The_subscription_is_refreshed_before_it_expires_on_the_fake_clock()
    {
        using var cts = Bound();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var emulator = await StartAsync(time);
        await using var mi = MiClient.Connect(emulator.UdpUri);
        var options = new MiSubscriptionOptions { Expire = TimeSpan.FromSeconds(120), RefreshMargin = TimeSpan.FromSeconds(20), TimeProvider = time };
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", options, cts.Token);
        Assert.Equal(time.GetUtcNow().AddSeconds(120), sub.ExpiresAt);

        for (var round = 1; round <= 3; round++)
        {
            var refreshed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            EventHandler handler = (_, _) => refreshed.TrySetResult();
            sub.Refreshed += handler;
            time.Advance(TimeSpan.FromSeconds(100));
            await refreshed.Task.WaitAsync(cts.Token);
            sub.Refreshed -= handler;

            var subscriber = Assert.Single(emulator.State.Subscribers);
            Assert.Equal(time.GetUtcNow(), subscriber.SubscribedAt);
            Assert.Equal(120, subscriber.Expire);
            Assert.Equal(time.GetUtcNow().AddSeconds(120), sub.ExpiresAt);
            Assert.Equal(1 + round, emulator.Received.Count(r => r.Method == "event_subscribe"));
        }

        // Still live after 300 s of a 120 s subscription.
        Assert.Equal(1, await emulator.RaiseEventAsync("E_CORE_THRESHOLD"));
        Assert.Single(await ReadAsync(sub, 1, cts.Token));
    }

    [Fact]
    public async Task A_failed_refresh_is_reported_and_retried_with_backoff()
    {
        using var cts = Bound();
        var time = new FakeTimeProvider();
        await using var emulator = await StartAsync(time);
        await using var mi = MiClient.Connect(emulator.UdpUri);
        var options = new MiSubscriptionOptions { Expire = TimeSpan.FromSeconds(60), RefreshMargin = TimeSpan.FromSeconds(10), TimeProvider = time };
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", options, cts.Token);

        var failing = true;
        emulator.Handle("event_subscribe", r =>
        {
            if (failing)
            {
                return MiEmulatorReply.Error(500, "Internal error");
            }

            emulator.State.Subscribe(new MiSubscriber(r.GetString("event", 0)!, r.GetString("socket", 1)!, r.GetInt("expire", 2) ?? 3600, time.GetUtcNow()));
            return MiEmulatorReply.Ok;
        });
        var failures = System.Threading.Channels.Channel.CreateUnbounded<MiSubscriptionRefreshFailedEventArgs>();
        sub.RefreshFailed += (_, e) => failures.Writer.TryWrite(e);
        var refreshed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sub.Refreshed += (_, _) => refreshed.TrySetResult();

        time.Advance(TimeSpan.FromSeconds(50));
        var first = await failures.Reader.ReadAsync(cts.Token);
        Assert.Equal((1, TimeSpan.FromSeconds(1)), (first.Attempt, first.RetryIn));
        Assert.Equal(500, Assert.IsType<MiCommandException>(first.Error).Code);
        Assert.Same(first.Error, sub.LastRefreshError);

        time.Advance(TimeSpan.FromSeconds(1));
        var second = await failures.Reader.ReadAsync(cts.Token);
        Assert.Equal((2, TimeSpan.FromSeconds(2)), (second.Attempt, second.RetryIn));

        failing = false;
        time.Advance(TimeSpan.FromSeconds(2));
        await refreshed.Task.WaitAsync(cts.Token);
        Assert.Null(sub.LastRefreshError);
        Assert.Equal(time.GetUtcNow().AddSeconds(60), sub.ExpiresAt);
        Assert.Equal(time.GetUtcNow(), Assert.Single(emulator.State.Subscribers).SubscribedAt);
    }

    [Theory]
    [InlineData("udp://127.0.0.1:0")]
    [InlineData("tcp://127.0.0.1:0")]
    public async Task Many_events_quickly_arrive_complete_and_in_order(string listen)
    {
        using var cts = Bound(30);
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_UL_CONTACT_INSERT", new MiSubscriptionOptions { Listen = listen, Capacity = 5000 }, cts.Token);

        const int Count = 2000;
        var reading = ReadAsync(sub, Count, cts.Token);
        for (var i = 0; i < Count; i++)
        {
            await emulator.RaiseEventAsync("E_UL_CONTACT_INSERT", new JsonObject { ["aor"] = "u" + i, ["cseq"] = i, ["user_agent"] = "a \"quoted\" {brace}" });
        }

        var events = await reading;
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (long)i), events.Select(e => e.AsUsrlocContact()!.CSeq!.Value));
        Assert.Equal(0, sub.DroppedCount);
        Assert.Equal(0, sub.MalformedCount);
    }

    [Fact]
    public async Task Malformed_datagrams_are_counted_and_the_listener_keeps_working()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", cancellationToken: cts.Token);

        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var junk in new[] { "not json", "{\"jsonrpc\":\"2.0\"}", "[1,2]", "{\"method\":42}", "{\"method\":\"E_X\",", string.Empty })
        {
            await sender.SendToAsync(Encoding.UTF8.GetBytes(junk), SocketFlags.None, sub.LocalEndPoint, cts.Token);
        }

        await emulator.RaiseEventAsync("E_CORE_THRESHOLD", new JsonObject { ["source"] = "ok" });
        var ev = Assert.Single(await ReadAsync(sub, 1, cts.Token));
        Assert.Equal("ok", ev.AsCoreThreshold()!.Source);
        Assert.Equal(6, sub.MalformedCount);
    }

    [Fact]
    public async Task Malformed_stream_bytes_are_counted_and_the_connection_keeps_working()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", new MiSubscriptionOptions { Listen = "tcp://127.0.0.1:0" }, cts.Token);

        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync((IPEndPoint)sub.LocalEndPoint, cts.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("junk{\"method\":\"E_A\",\"params\":{}}{bad json}  {\"method\":\"E_B\"}"u8.ToArray(), cts.Token);

        var events = await ReadAsync(sub, 2, cts.Token);
        Assert.Equal(["E_A", "E_B"], events.Select(e => e.Name));
        Assert.Equal(JsonValueKind.Undefined, events[1].Params.ValueKind);
        Assert.Equal(2, sub.MalformedCount);
    }

    [Fact]
    public async Task Datagrams_from_another_address_than_the_server_are_ignored()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        // The server (and so the emulator's events) is 127.0.0.1; only 127.0.0.9 may send here.
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD",
            new MiSubscriptionOptions { AllowedSources = [IPAddress.Parse("127.0.0.9")] }, cts.Token);

        Assert.Equal(1, await emulator.RaiseEventAsync("E_CORE_THRESHOLD"));
        await WaitUntilAsync(() => sub.RejectedCount == 1, cts.Token);
        Assert.False(sub.TryRead(out _));
        Assert.Equal(0, sub.ReceivedCount);
    }

    [Fact]
    public async Task A_slow_reader_loses_the_oldest_events_and_they_are_counted()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD", new MiSubscriptionOptions { Capacity = 2 }, cts.Token);

        for (var i = 0; i < 5; i++)
        {
            await emulator.RaiseEventAsync("E_CORE_THRESHOLD", new JsonObject { ["time"] = i });
        }

        await WaitUntilAsync(() => sub.ReceivedCount == 5, cts.Token);
        Assert.Equal(3, sub.DroppedCount);
        Assert.Equal([3L, 4L], (await ReadAsync(sub, 2, cts.Token)).Select(e => e.AsCoreThreshold()!.Time!.Value));
    }

    [Fact]
    public async Task A_refused_event_undoes_the_others_and_closes_the_listener()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);

        var ex = await Assert.ThrowsAsync<MiCommandException>(() => mi.SubscribeAsync(["E_CORE_THRESHOLD", "E_NO_SUCH_EVENT"], cancellationToken: cts.Token));
        Assert.Equal((400, "Bad parameter value"), (ex.Code, ex.Error.Message));
        Assert.Equal(0, Assert.Single(emulator.State.Subscribers).Expire);
    }

    [Fact]
    public async Task Binding_any_address_needs_an_advertised_host_and_the_advertised_socket_is_used()
    {
        using var cts = Bound();
        await using var emulator = await StartAsync();
        await using var mi = MiClient.Connect(emulator.UdpUri);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => mi.SubscribeAsync("E_CORE_THRESHOLD", new MiSubscriptionOptions { Listen = "udp://0.0.0.0:0" }, cts.Token));
        Assert.Contains("AdvertisedHost", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Received, r => r.Method == "event_subscribe");

        await using var sub = await mi.SubscribeAsync("E_CORE_THRESHOLD",
            new MiSubscriptionOptions { AdvertisedHost = "127.0.0.1", AdvertisedPort = 40999 }, cts.Token);
        Assert.Equal("udp:127.0.0.1:40999", sub.Socket);
        Assert.Equal("udp:127.0.0.1:40999", Assert.Single(emulator.State.Subscribers).Socket);
    }
}
