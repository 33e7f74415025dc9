using BenchmarkDotNet.Attributes;
using OpenSips.Mi.Sip;

namespace OpenSips.Mi.Benchmarks;

/// <summary>t_uac_dlg request building: headers, validation and the MI parameters.</summary>
[MemoryDiagnoser]
public class UacDlgBenchmarks
{
    private readonly SipHeaders _extra = new() { { "X-Campaign", "spring" }, { "Contact", "<sip:pbx@192.0.2.1>" } };

    [Benchmark(Baseline = true)]
    public MiParams EventNotify_ToParams() =>
        SipRequests.EventNotify("sip:alice@192.0.2.10:5060", PhoneEvent.PolycomCheckCfg, _extra).ToParams();

    [Benchmark]
    public MiParams MwiUpdate_ToParams() =>
        SipRequests.MwiUpdate("sip:alice@192.0.2.10:5060", "sip:*97@pbx.example.com", 3, 1, headers: _extra).ToParams();

    [Benchmark]
    public string HeaderBlock() => _extra.ToHeaderBlock();
}

/// <summary>Event notifications as a subscription receives them.</summary>
[MemoryDiagnoser]
public class EventPayloadBenchmarks
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private byte[] _threshold = [];
    private byte[] _contact = [];

    [GlobalSetup]
    public void Setup()
    {
        _threshold = Inputs.Load("event_core_threshold.json");
        _contact = """{"jsonrpc":"2.0","method":"E_UL_CONTACT_INSERT","params":{"domain":"location","aor":"carol","uri":"sip:carol@127.0.0.1:5080","received":"","path":"","qval":-1,"user_agent":"opensips-wire-capture","socket":"udp:127.0.0.1:5060","bflags":0,"expires":1764175741,"callid":"carol-1@127.0.0.1","cseq":1,"attr":"","latency":0,"shtag":""}}"""u8.ToArray();
    }

    [Benchmark(Baseline = true)]
    public MiCoreThresholdEvent? CoreThreshold_ParseAndView() =>
        MiEvent.TryParse(_threshold, "udp:127.0.0.1:5060", Now)!.AsCoreThreshold();

    [Benchmark]
    public MiUsrlocContactEvent? UsrlocContact_ParseAndView() =>
        MiEvent.TryParse(_contact, "udp:127.0.0.1:5060", Now)!.AsUsrlocContact();
}
