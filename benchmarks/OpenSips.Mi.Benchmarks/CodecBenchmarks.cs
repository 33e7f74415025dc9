using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace OpenSips.Mi.Benchmarks;

/// <summary>JSON-RPC encode and decode as the client does them per call, without any I/O.</summary>
[MemoryDiagnoser]
public class JsonRpcCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private MiParams _statisticsParams = MiParams.None;
    private byte[] _uptime = [];
    private byte[] _statistics = [];
    private byte[] _ulDump = [];

    [GlobalSetup]
    public void Setup()
    {
        _uptime = Inputs.Load("uptime.json");
        _statistics = Inputs.Statistics(200, 1);
        _ulDump = Inputs.Load("ul_dump_62944.json");
        _statisticsParams = MiParams.Positional(new[] { "shmem:", "core:", "tm:", "dialog:", "usrloc:" });
    }

    /// <summary>What one uptime call costs in the codec: request bytes (through the client's request writer) and the decoded reply.</summary>
    [Benchmark(Baseline = true)]
    public MiResponse Uptime_EncodeDecode()
    {
        using var request = new PooledBufferWriter();
        JsonRpcCodec.Instance.EncodeRequest(request, "uptime", MiParams.None, 2);
        return JsonRpcCodec.Instance.DecodeResponse("uptime", _uptime, 2, "mi_datagram");
    }

    [Benchmark]
    public int Uptime_Encode()
    {
        _buffer.ResetWrittenCount();
        JsonRpcCodec.Instance.EncodeRequest(_buffer, "uptime", MiParams.None, 2);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public MiResponse Uptime_Decode() => JsonRpcCodec.Instance.DecodeResponse("uptime", _uptime, 2, "mi_datagram");

    [Benchmark]
    public MiResponse GetStatistics200_EncodeDecode()
    {
        using var request = new PooledBufferWriter();
        JsonRpcCodec.Instance.EncodeRequest(request, "get_statistics", _statisticsParams, 1);
        return JsonRpcCodec.Instance.DecodeResponse("get_statistics", _statistics, 1, "mi_datagram");
    }

    /// <summary>The largest ul_dump mi_datagram can carry (62944 bytes, 212 AORs), decoded.</summary>
    [Benchmark]
    public MiResponse UlDump63KB_Decode() => JsonRpcCodec.Instance.DecodeResponse("ul_dump", _ulDump, 5210, "mi_datagram");

    [Benchmark]
    public bool Datagram_TryReadId() => JsonRpcCodec.TryReadId(_ulDump, out _);
}

/// <summary>The same through mi_xmlrpc_ng's codec.</summary>
[MemoryDiagnoser]
public class XmlRpcCodecBenchmarks
{
    private MiParams _statisticsParams = MiParams.None;
    private byte[] _uptime = [];
    private byte[] _statistics = [];
    private byte[] _ulDump = [];

    [GlobalSetup]
    public void Setup()
    {
        _uptime = Inputs.Load("uptime.xml");
        _statistics = Inputs.ToXmlRpc(Inputs.Statistics(200, 1));
        _ulDump = Inputs.ToXmlRpc(Inputs.Load("ul_dump_62944.json"));
        _statisticsParams = MiParams.Positional(new[] { "shmem:", "core:", "tm:", "dialog:", "usrloc:" });
    }

    [Benchmark(Baseline = true)]
    public MiResponse Uptime_EncodeDecode()
    {
        using var request = new PooledBufferWriter();
        XmlRpcCodec.Instance.EncodeRequest(request, "uptime", MiParams.None, 2);
        return XmlRpcCodec.Instance.DecodeResponse("uptime", _uptime, 2, "mi_xmlrpc_ng");
    }

    [Benchmark]
    public MiResponse GetStatistics200_EncodeDecode()
    {
        using var request = new PooledBufferWriter();
        XmlRpcCodec.Instance.EncodeRequest(request, "get_statistics", _statisticsParams, 1);
        return XmlRpcCodec.Instance.DecodeResponse("get_statistics", _statistics, 1, "mi_xmlrpc_ng");
    }

    /// <summary>The same 212-AOR ul_dump as XML-RPC (about 2.3× the bytes of the JSON).</summary>
    [Benchmark]
    public MiResponse UlDump_Decode() => XmlRpcCodec.Instance.DecodeResponse("ul_dump", _ulDump, 1, "mi_xmlrpc_ng");
}
