using System.Text;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Performance;

/// <summary>The hot-path shortcuts give the same answers as the long way round (no timings are asserted here).</summary>
public sealed class HotPathBehaviourTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","result":{"Up time":"7 [sec]"},"id":2}""", 2)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":2147483647}""" + "\n", 2147483647)]
    [InlineData("""{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":-5} """, -5)]
    [InlineData("""{"jsonrpc":"2.0","result":{"id":7},"id":0}""", 0)]
    public void A_trailing_id_is_read_from_the_end_and_agrees_with_the_reader(string reply, int expected)
    {
        var bytes = Encoding.UTF8.GetBytes(reply);
        Assert.True(JsonRpcCodec.TryReadTrailingId(bytes, out var fast));
        Assert.True(JsonRpcCodec.TryReadId(bytes, out var full));
        Assert.Equal(expected, fast);
        Assert.Equal(expected, full);
    }

    [Theory]
    [InlineData("""{"id":3,"jsonrpc":"2.0","result":{}}""", true, 3)]
    [InlineData("""{"id":3}""", true, 3)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":"3"}""", false, 0)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":null}""", false, 0)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":2147483648}""", false, 0)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":1e3}""", false, 0)]
    [InlineData("""{"jsonrpc":"2.0","result":{},"id":007}""", false, 0)]
    [InlineData("500 Internal error", false, 0)]
    public void Replies_without_a_plain_trailing_id_take_the_reader(string reply, bool hasId, int expected)
    {
        var bytes = Encoding.UTF8.GetBytes(reply);
        Assert.False(JsonRpcCodec.TryReadTrailingId(bytes, out _));
        Assert.Equal(hasId, JsonRpcCodec.TryReadId(bytes, out var id));
        Assert.Equal(expected, id);
    }

    [Fact]
    public void Requests_encoded_one_after_another_on_a_thread_do_not_leak_into_each_other()
    {
        var first = new PooledBufferWriter();
        var second = new PooledBufferWriter(1);
        JsonRpcCodec.Instance.EncodeRequest(first, "uptime", MiParams.None, 1);
        JsonRpcCodec.Instance.EncodeRequest(second, "get_statistics", MiParams.Positional(new[] { new string('a', 600), "tm:" }), 9);

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}", Encoding.UTF8.GetString(first.WrittenSpan));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"get_statistics\",\"params\":[[\"" + new string('a', 600) + "\",\"tm:\"]],\"id\":9}", Encoding.UTF8.GetString(second.WrittenSpan));
        first.Dispose();
        second.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Http_opens_at_most_as_many_connections_as_calls_in_flight_and_reuses_them()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false, RecordRequests = false }, Ct);
        await using var client = MiClient.Connect(emulator.HttpUriString);
        const int concurrency = 4;
        for (var round = 0; round < 10; round++)
        {
            var calls = Enumerable.Range(0, concurrency).Select(_ => client.CommandAsync("uptime", Ct)).ToArray();
            Assert.All(await Task.WhenAll(calls), r => Assert.True(r.IsSuccess));
        }

        Assert.InRange(emulator.HttpConnectionsAccepted, 1, concurrency);
        Assert.Empty(emulator.Received);
    }

    [Fact]
    public async Task Sixty_four_udp_calls_in_flight_on_one_client_each_get_their_own_reply()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableHttp = false }, Ct);
        await using var client = MiClient.Connect(emulator.UdpUri);
        emulator.Handle("echo", r => MiEmulatorReply.Result(new System.Text.Json.Nodes.JsonObject { ["n"] = r.GetInt("n") }));
        var calls = Enumerable.Range(0, 64).Select(i => client.CommandAsync("echo", MiParams.Named(("n", i)), Ct)).ToArray();

        var replies = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 64), replies.Select(r => r.GetResult().GetProperty("n").GetInt32()));
    }
}
