using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;

namespace OpenSips.Mi.Benchmarks;

/// <summary>
/// One <c>uptime</c> over mi_datagram UDP against a loopback responder that allocates nothing (a thread with a blocking
/// socket that answers each request with the captured reply and the request's id), so the allocations reported are the
/// client's alone: the exchange path (send, reactor, pooled call, handed-over buffer) and the whole <c>CommandAsync</c>.
/// </summary>
[MemoryDiagnoser]
public class DatagramPathBenchmarks
{
    private RawResponder? _responder;
    private MiClient? _client;
    private DatagramExchange? _exchange;
    private byte[] _request = [];
    private int _id = 1_000_000_000;

    [GlobalSetup]
    public async Task Setup()
    {
        _responder = new RawResponder();
        _client = MiClient.Connect($"udp://127.0.0.1:{_responder.Port}");
        _exchange = new DatagramExchange(UdpChannel.CreateLanes(new DatagramOptions("127.0.0.1", _responder.Port)), JsonRpcCodec.Instance, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _request = "{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1000000000}"u8.ToArray();
        await _client.CommandAsync("uptime");
        await Exchange();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client!.DisposeAsync();
        await _exchange!.DisposeAsync();
        _responder!.Dispose();
    }

    /// <summary>
    /// The transport path alone: a pre-encoded request with a fresh id out, its reply back, the buffer released. (A
    /// pooled async builder, so that the benchmark's own state machine is not counted.)
    /// </summary>
    [Benchmark]
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Exchange()
    {
        var id = ++_id;
        System.Buffers.Text.Utf8Formatter.TryFormat(id, _request.AsSpan(_request.Length - 11), out _);
        var reply = await _exchange!.ExchangeAsync(new MiExchangeRequest(_request, id, Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency)), CancellationToken.None);
        reply.Release();
    }

    /// <summary>The whole call: encode, exchange, check the reply, a <see cref="MiResponse"/> (its result not read).</summary>
    [Benchmark]
    public Task<MiResponse> CommandAsync() => _client!.CommandAsync("uptime");

    /// <summary>The whole call and one value of the result read (the result is parsed on first read).</summary>
    [Benchmark]
    public async Task<string?> CommandAsyncAndReadResult() =>
        (await _client!.CommandAsync("uptime")).GetResult().GetProperty("Up time").GetString();
}
