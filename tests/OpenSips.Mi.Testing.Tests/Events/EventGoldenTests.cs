using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing.Tests.Events;

/// <summary>
/// The events captures replayed in their recorded order (docs/wire-facts.md#events): every MI reply must match, and every event the
/// emulator sends must be byte for byte what OpenSIPS sent (the subscriber ports 9999/9998 are mapped to ours).
/// </summary>
public partial class EventGoldenTests
{
    private const string Folder = "events";

    [Fact]
    public async Task The_captured_session_replays_byte_for_byte()
    {
        using var cts = Timeouts.Test(20);
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false }, cts.Token);
        using var mi = new UdpProbe(emulator.UdpEndPoint);
        using var udpSubscriber = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udpSubscriber.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((IPEndPoint)udpSubscriber.LocalEndPoint!).Port;
        using var tcpSubscriber = new TcpListener(IPAddress.Loopback, 0);
        tcpSubscriber.Start();
        var tcpPort = ((IPEndPoint)tcpSubscriber.LocalEndpoint).Port;
        var accepted = tcpSubscriber.AcceptTcpClientAsync(cts.Token).AsTask();

        string ToOurs(string text) => text.Replace("127.0.0.1:9999", $"127.0.0.1:{udpPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:9998", $"127.0.0.1:{tcpPort}", StringComparison.Ordinal);
        string ToCaptured(string text) => TtlNumber().Replace(
            text.Replace($"127.0.0.1:{udpPort}", "127.0.0.1:9999", StringComparison.Ordinal).Replace($"127.0.0.1:{tcpPort}", "127.0.0.1:9998", StringComparison.Ordinal),
            "\"ttl\":*");

        foreach (var c in WireData.Manifest(Folder).OfType<JsonObject>())
        {
            var name = (string)c["case"]!;
            if (c["request"] is null)
            {
                continue;
            }

            var request = ToOurs(Encoding.UTF8.GetString(WireData.Bytes(Folder, name + ".request")));
            var reply = await mi.RequestAsync(Encoding.UTF8.GetBytes(request), cts.Token);
            var expected = Encoding.UTF8.GetString(WireData.Bytes(Folder, name + ".response"));
            Assert.Equal(ToCaptured(expected), ToCaptured(Encoding.UTF8.GetString(reply)));

            switch (name)
            {
                case "subscribers_list_one_event":
                    // REGISTER carol: E_UL_AOR_INSERT then E_UL_CONTACT_INSERT, to the UDP and the TCP subscribers.
                    await RaiseCapturedAsync(emulator, "register_carol.udp.01");
                    await RaiseCapturedAsync(emulator, "register_carol.udp.02");
                    await ExpectDatagramAsync(udpSubscriber, emulator, "register_carol.udp.01", cts.Token);
                    await ExpectDatagramAsync(udpSubscriber, emulator, "register_carol.udp.02", cts.Token);
                    using (var connection = await accepted)
                    {
                        var stream = WireData.Bytes(Folder, "register_carol.tcp.01");
                        var received = new byte[stream.Length];
                        await connection.GetStream().ReadExactlyAsync(received, cts.Token);
                        Assert.Equal(Encoding.UTF8.GetString(stream), Encoding.UTF8.GetString(received));
                    }

                    await RaiseCapturedAsync(emulator, "unregister_carol.udp.01");
                    await RaiseCapturedAsync(emulator, "unregister_carol.udp.02");
                    await ExpectDatagramAsync(udpSubscriber, emulator, "unregister_carol.udp.01", cts.Token);
                    await ExpectDatagramAsync(udpSubscriber, emulator, "unregister_carol.udp.02", cts.Token);
                    break;
                case "raise_event_core_threshold":
                    await ExpectDatagramAsync(udpSubscriber, emulator, "raise_event_core_threshold_received.udp.01", cts.Token);
                    break;
                case "raise_event_array_params":
                    // The capture shows {"":"1","":"two","":"3"}, but OpenSIPS 3.4.18, 3.6.8 and 4.0.1 built from their
                    // tagged sources print unnamed parameters as an array (evi_build_payload); the emulator follows them.
                    Assert.Equal(
                        Encoding.UTF8.GetString(WireData.Bytes(Folder, "raise_event_array_params_received.udp.01")).Replace("{\"\":\"1\",\"\":\"two\",\"\":\"3\"}", "[\"1\",\"two\",\"3\"]", StringComparison.Ordinal),
                        await ReceiveDatagramAsync(udpSubscriber, emulator, cts.Token));
                    break;
            }
        }

        // expire 0 ends the subscription once its second is over (a real 3.6.8 still delivers an event raised in the
        // same second); then nothing more reaches the subscriber.
        await Task.Delay(TimeSpan.FromMilliseconds(1100), cts.Token);
        Assert.Equal(0, await emulator.RaiseEventAsync("E_CORE_THRESHOLD"));
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        silence.CancelAfter(Timeouts.Silence);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => udpSubscriber.ReceiveAsync(new byte[100], SocketFlags.None, silence.Token).AsTask());
    }

    [Fact]
    public async Task Expiry_follows_the_emulator_clock_and_resubscribing_refreshes_in_place()
    {
        using var cts = Timeouts.Test();
        var time = new ManualTime();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false, TimeProvider = time }, cts.Token);
        using var mi = new UdpProbe(emulator.UdpEndPoint);

        async Task<string> Call(string json) => Encoding.UTF8.GetString(await mi.RequestAsync(Encoding.UTF8.GetBytes(json), cts.Token));
        Assert.Contains("\"result\":\"OK\"", await Call("""{"jsonrpc":"2.0","method":"event_subscribe","params":["E_CORE_THRESHOLD","udp:127.0.0.1:9",10],"id":1}"""), StringComparison.Ordinal);
        Assert.Contains("\"result\":\"OK\"", await Call("""{"jsonrpc":"2.0","method":"event_subscribe","params":["E_CORE_THRESHOLD","unix:/tmp/x.sock",10],"id":2}"""), StringComparison.Ordinal);
        time.Now += TimeSpan.FromSeconds(4);
        Assert.Contains("\"result\":\"OK\"", await Call("""{"jsonrpc":"2.0","method":"event_subscribe","params":["E_CORE_THRESHOLD","udp:127.0.0.1:9",10],"id":3}"""), StringComparison.Ordinal);

        // Newest first; the refreshed one keeps its place with a fresh ttl.
        Assert.Equal(
            """{"jsonrpc":"2.0","result":{"Event":{"name":"E_CORE_THRESHOLD","id":1,"Subscribers":[{"socket":"unix:/tmp/x.sock","expire":10,"ttl":6},{"socket":"udp:127.0.0.1:9","expire":10,"ttl":10}]}},"id":4}""",
            await Call("""{"jsonrpc":"2.0","method":"subscribers_list","params":["E_CORE_THRESHOLD"],"id":4}"""));
        time.Now += TimeSpan.FromSeconds(10);
        Assert.Equal(
            """{"jsonrpc":"2.0","result":{"Event":{"name":"E_CORE_THRESHOLD","id":1,"Subscriber":{"socket":"udp:127.0.0.1:9","expire":10,"ttl":"expired"}}},"id":5}""",
            await Call("""{"jsonrpc":"2.0","method":"subscribers_list","params":["E_CORE_THRESHOLD","udp:127.0.0.1:9"],"id":5}"""));

        // Listing drops a subscriber past its expiry (subscribed at 0 for 10 s, now 14): as a real 3.6.8 does.
        Assert.Contains("\"code\":404,\"message\":\"Subscriber does not exist\"", await Call("""{"jsonrpc":"2.0","method":"subscribers_list","params":["E_CORE_THRESHOLD","unix:/tmp/x.sock"],"id":6}"""), StringComparison.Ordinal);
        time.Now += TimeSpan.FromSeconds(1);

        // The refreshed UDP subscriber (4 + 10 < 15) is expired too, but still listed until something drops it:
        // raise_event answers OK (any subscriber counts), sends nothing and drops it; the next one answers 480.
        Assert.Contains("\"result\":\"OK\"", await Call("""{"jsonrpc":"2.0","method":"raise_event","params":["E_CORE_THRESHOLD"],"id":7}"""), StringComparison.Ordinal);
        Assert.Contains("\"code\":480,\"message\":\"Temporarily Unavailable\"", await Call("""{"jsonrpc":"2.0","method":"raise_event","params":["E_CORE_THRESHOLD"],"id":8}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_without_parameters_has_no_params_member()
    {
        // As a real 3.6.8 sends raise_event without params (checked by the integration suite's RealEvents tests).
        using var cts = Timeouts.Test();
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false }, cts.Token);
        using var mi = new UdpProbe(emulator.UdpEndPoint);
        using var subscriber = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        subscriber.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)subscriber.LocalEndPoint!).Port;
        await mi.RequestAsync(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","method":"event_subscribe","params":["E_CORE_THRESHOLD","udp:127.0.0.1:{{port}}"],"id":1}"""), cts.Token);
        await mi.RequestAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"raise_event","params":["E_CORE_THRESHOLD"],"id":2}"""), cts.Token);
        Assert.Equal("""{"jsonrpc":"2.0","method":"E_CORE_THRESHOLD"}""", await ReceiveDatagramAsync(subscriber, emulator, cts.Token));
        Assert.Equal(1, await emulator.RaiseEventAsync("E_CORE_THRESHOLD", []));
        Assert.Equal("""{"jsonrpc":"2.0","method":"E_CORE_THRESHOLD"}""", await ReceiveDatagramAsync(subscriber, emulator, cts.Token));
    }

    private static Task<int> RaiseCapturedAsync(MiEmulator emulator, string file)
    {
        var captured = JsonNode.Parse(WireData.Bytes(Folder, file))!;
        return emulator.RaiseEventAsync((string)captured["method"]!, captured["params"]!.DeepClone().AsObject());
    }

    private static async Task ExpectDatagramAsync(Socket subscriber, MiEmulator emulator, string file, CancellationToken ct) =>
        Assert.Equal(Encoding.UTF8.GetString(WireData.Bytes(Folder, file)), await ReceiveDatagramAsync(subscriber, emulator, ct));

    private static async Task<string> ReceiveDatagramAsync(Socket subscriber, MiEmulator emulator, CancellationToken ct)
    {
        var buffer = new byte[65536];
        var received = await subscriber.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
        var source = Assert.IsType<IPEndPoint>(received.RemoteEndPoint);
        Assert.Equal(IPAddress.Loopback, source.Address);
        Assert.NotEqual(emulator.UdpEndPoint.Port, source.Port);
        return Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes);
    }

    [GeneratedRegex("\"ttl\":[0-9]+")]
    private static partial Regex TtlNumber();

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
