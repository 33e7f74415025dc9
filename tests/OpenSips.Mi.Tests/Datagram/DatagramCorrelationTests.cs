using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Datagram;

/// <summary>mi_datagram shares one socket between calls: replies are matched by id, and nothing is ever misdelivered.</summary>
public sealed class DatagramCorrelationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replies_arriving_out_of_order_reach_their_own_calls()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var first = client.CommandAsync("t_uac_dlg", Ct);
        var (request1, from) = await server.ReceiveAsync(Ct);
        var second = client.CommandAsync("uptime", Ct);
        var (request2, _) = await server.ReceiveAsync(Ct);

        await server.ReplyAsync(request2, from, "\"second\"", Ct);
        await server.ReplyAsync(request1, from, "\"first\"", Ct);

        Assert.Equal("second", (await second).GetResult().GetString());
        Assert.Equal("first", (await first).GetResult().GetString());
    }

    [Fact]
    public async Task A_late_reply_to_a_timed_out_call_is_never_handed_to_the_next_call()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var timedOut = client.CommandAsync("slow", null, TimeSpan.FromMilliseconds(200), Ct);
        var (late, from) = await server.ReceiveAsync(Ct);
        await Assert.ThrowsAsync<MiTimeoutException>(() => timedOut);

        var next = client.CommandAsync("uptime", Ct);
        var (current, _) = await server.ReceiveAsync(Ct);
        await server.ReplyAsync(late, from, "\"late\"", Ct);
        await server.ReplyAsync(current, from, "\"current\"", Ct);

        Assert.Equal("current", (await next).GetResult().GetString());
    }

    [Fact]
    public async Task A_duplicate_reply_is_dropped()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var call = client.CommandAsync("uptime", Ct);
        var (request, from) = await server.ReceiveAsync(Ct);
        await server.ReplyAsync(request, from, "\"once\"", Ct);
        await server.ReplyAsync(request, from, "\"twice\"", Ct);
        Assert.Equal("once", (await call).GetResult().GetString());

        var next = client.CommandAsync("version", Ct);
        var (request2, _) = await server.ReceiveAsync(Ct);
        await server.ReplyAsync(request2, from, "\"next\"", Ct);

        Assert.Equal("next", (await next).GetResult().GetString());
    }

    [Fact]
    public async Task A_plain_text_error_with_one_call_in_flight_explains_the_size_limit()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var call = client.CommandAsync("ul_dump", Ct);
        var (_, from) = await server.ReceiveAsync(Ct);
        await server.SendAsync("500 Internal error", from, Ct);

        var ex = await Assert.ThrowsAsync<MiProtocolException>(() => call);
        Assert.Contains("65456-byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_text_error_with_several_calls_in_flight_is_named_in_their_timeouts()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var a = client.CommandAsync("ul_dump", null, TimeSpan.FromMilliseconds(400), Ct);
        var b = client.CommandAsync("ul_dump", null, TimeSpan.FromMilliseconds(400), Ct);
        var (_, from) = await server.ReceiveAsync(Ct);
        await server.ReceiveAsync(Ct);
        await server.SendAsync("500 Internal error", from, Ct);

        var exA = await Assert.ThrowsAsync<MiTimeoutException>(() => a);
        await Assert.ThrowsAsync<MiTimeoutException>(() => b);
        Assert.Contains("500 Internal error", exA.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datagrams_from_another_address_are_ignored()
    {
        using var server = new RawUdpServer();
        using var stranger = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var call = client.CommandAsync("uptime", Ct);
        var (request, from) = await server.ReceiveAsync(Ct);
        await stranger.ReplyAsync(request, from, "\"forged\"", Ct);
        await Task.Delay(50, Ct);
        await server.ReplyAsync(request, from, "\"genuine\"", Ct);

        Assert.Equal("genuine", (await call).GetResult().GetString());
    }

    [Fact]
    public async Task Ids_are_distinct_positive_int32_values()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);
        var ids = new HashSet<int>();

        for (var i = 0; i < 20; i++)
        {
            var call = client.CommandAsync("uptime", Ct);
            var (request, from) = await server.ReceiveAsync(Ct);
            var id = (int)request["id"]!;
            Assert.InRange(id, 1, int.MaxValue);
            Assert.True(ids.Add(id));
            await server.ReplyAsync(request, from, "1", Ct);
            await call;
        }
    }

    [Fact]
    public async Task A_request_over_65457_bytes_is_refused_before_sending()
    {
        using var server = new RawUdpServer();
        await using var client = MiClient.Connect(server.Uri);

        var ex = await Assert.ThrowsAsync<MiRequestTooLargeException>(
            () => client.CommandAsync("cache_store", MiParams.Positional("local", "k", new string('x', 65457)), Ct));

        Assert.Equal(65457, ex.Limit);
        Assert.Contains("mi_datagram", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_a_transport_error_not_a_hang()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        await using var client = MiClient.Connect($"udp://127.0.0.1:{port}");
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));

        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4));
    }
}
