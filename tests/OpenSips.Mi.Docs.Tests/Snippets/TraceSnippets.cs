using OpenSips.Mi.Sip;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class TraceSnippets
{
    [CompileOnly("needs a real OpenSIPS with tracer and proto_hep loaded, and reads until stopped")]
    public static async Task Library()
    {
        #region trace-library
        // using OpenSips.Mi.Trace;
        await using var mi = MiClient.Connect("udp://127.0.0.1:8809");
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "alice", Scope = MiTraceScope.Transaction });

        await foreach (SipTraceMessage m in trace.ReadAllAsync())
        {
            Console.WriteLine($"{m.CapturedAt:HH:mm:ss.ffffff} {m.Source} -> {m.Destination} {m.StartLine} [{m.CallId}]");
            if (!m.IsRequest && m.StatusCode >= 400)
            {
                Console.WriteLine(m.Text);
            }
        }
        // Disposing the trace sends trace_stop and closes the listener (bounded by DisposeTimeout, never throws).
        #endregion
    }

    [CompileOnly("without a phone on 127.0.0.1:5090 the NOTIFY waits for the emulated tm's timeout")]
    public static async Task Emulator()
    {
        #region trace-emulator
        await using var emulator = await MiEmulator.StartAsync();
        await using var uac = MiEmulatorSipUac.Attach(emulator);
        emulator.State.Usrloc.Add("alice", new MiContact { Contact = "sip:alice@127.0.0.1:5090", ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
        await using var mi = MiClient.Connect(emulator.UdpUri);
        await using var trace = await mi.TraceAsync(new MiTraceOptions { Caller = "alice" });

        // Through the emulated OpenSIPS (its own socket in the Request-URI): traced. Straight to a phone: not traced.
        await mi.EventNotifyAsync($"sip:alice@127.0.0.1:{uac.SocketEndPoints[0].Port}", PhoneEvent.PolycomCheckCfg);
        #endregion
    }
}
