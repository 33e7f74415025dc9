using BenchmarkDotNet.Attributes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Benchmarks;

/// <summary>
/// One uptime call end to end over loopback against the in-process emulator, per transport: the client's cost plus the
/// emulator's plus the kernel's. Client and emulator share this machine's cores.
/// </summary>
[MemoryDiagnoser]
public class LoopbackBenchmarks
{
    private MiEmulator? _emulator;
    private MiClient? _client;

    [Params("udp", "unix", "http", "xmlrpc", "fifo")]
    public string Transport { get; set; } = "udp";

    [GlobalSetup]
    public async Task Setup()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { RecordRequests = false });
        _client = Transport switch
        {
            "udp" => MiClient.Connect(_emulator.UdpUri),
            "unix" => MiClient.Connect(_emulator.UnixUri),
            "http" => MiClient.Connect(_emulator.HttpUriString),
            "xmlrpc" => MiClient.Connect(_emulator.XmlRpcUriString),
            _ => MiClient.Connect(new FifoOptions(_emulator.FifoPath) { ReplyDirectory = _emulator.FifoReplyDirectory }),
        };
        await _client.CommandAsync("uptime");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client!.DisposeAsync();
        await _emulator!.DisposeAsync();
    }

    [Benchmark]
    public Task<MiResponse> Uptime() => _client!.CommandAsync("uptime");
}

/// <summary>16 calls in flight on one client (mi_datagram over UDP and mi_http): the cost per call when multiplexed.</summary>
[MemoryDiagnoser]
public class LoopbackConcurrentBenchmarks
{
    private const int InFlight = 16;
    private readonly Task<MiResponse>[] _calls = new Task<MiResponse>[InFlight];
    private MiEmulator? _emulator;
    private MiClient? _client;

    [Params("udp", "http")]
    public string Transport { get; set; } = "udp";

    [GlobalSetup]
    public async Task Setup()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { RecordRequests = false, HttpSerializesAsyncCommands = false });
        _client = MiClient.Connect(Transport == "udp" ? _emulator.UdpUri : _emulator.HttpUriString);
        await _client.CommandAsync("uptime");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client!.DisposeAsync();
        await _emulator!.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = InFlight)]
    public async Task Uptime_16InFlight()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _calls[i] = _client!.CommandAsync("uptime");
        }

        await Task.WhenAll(_calls);
    }
}
