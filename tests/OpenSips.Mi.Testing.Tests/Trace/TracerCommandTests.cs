using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace OpenSips.Mi.Testing.Tests.Trace;

/// <summary>
/// The emulated tracer module's MI commands answer what OpenSIPS 3.6.8 answered to the same requests (run on
/// 2025-11-30, see docs/trace.md), and its HEP packets are byte for byte those proto_hep sent, timestamps aside.
/// </summary>
public sealed class TracerCommandTests
{
    private static Task<MiEmulator> StartAsync(CancellationToken ct) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false }, ct);

    private static async Task<string> CallAsync(MiEmulator emulator, string method, string? parameters, CancellationToken ct)
    {
        using var probe = new UdpProbe(emulator.UdpEndPoint);
        var request = parameters is null
            ? $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"id\":1}}"
            : $"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":{parameters},\"id\":1}}";
        return Encoding.UTF8.GetString(await probe.RequestAsync(Encoding.UTF8.GetBytes(request), ct));
    }

    private const string Ok = "{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":1}";

    private static string Error(int code, string message, string? data = null) => data is null
        ? $"{{\"jsonrpc\":\"2.0\",\"error\":{{\"code\":{code},\"message\":\"{message}\"}},\"id\":1}}"
        : $"{{\"jsonrpc\":\"2.0\",\"error\":{{\"code\":{code},\"message\":\"{message}\",\"data\":\"{data}\"}},\"id\":1}}";

    [Fact]
    public async Task trace_start_trace_and_trace_stop_answer_as_OpenSIPS_3_6_8()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var ct = cts.Token;

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"global\":\"on\",\"trace destinations\":[]},\"id\":1}", await CallAsync(emulator, "trace", null, ct));
        Assert.Equal(Ok, await CallAsync(emulator, "trace_start", "{\"id\":\"dup\",\"uri\":\"hep:127.0.0.1:9060;transport=udp;version=3\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "dynamic trace id already used"), await CallAsync(emulator, "trace_start", "{\"id\":\"dup\",\"uri\":\"hep:127.0.0.1:9060;transport=udp;version=3\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "error while alocating new hep_id"), await CallAsync(emulator, "trace_start", "{\"id\":\"dup\",\"uri\":\"hep:127.0.0.1:9060;transport=tcp;version=3\"}", ct));
        Assert.Equal(Ok, await CallAsync(emulator, "trace_stop", "{\"id\":\"dup\"}", ct));
        Assert.Equal(Error(400, "Bad parameter value"), await CallAsync(emulator, "trace_stop", "{\"id\":\"dup\"}", ct));
        Assert.Equal(Error(400, "Bad parameter value"), await CallAsync(emulator, "trace_stop", "[\"nope\"]", ct));
        Assert.Equal(Error(406, "DB not acceptable", "dynamic DB tracing is not yet available"), await CallAsync(emulator, "trace_start", "{\"id\":\"x1\",\"uri\":\"udp:127.0.0.1:9\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "error while alocating new hep_id"), await CallAsync(emulator, "trace_start", "{\"id\":\"x2\",\"uri\":\"hep:\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "error while alocating new hep_id"), await CallAsync(emulator, "trace_start", "{\"id\":\"x3\",\"uri\":\"hep:127.0.0.1:9;version=7\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "error while alocating new hep_id"), await CallAsync(emulator, "trace_start", "{\"id\":\"x4\",\"uri\":\"hep:127.0.0.1:9;transport=sctp\"}", ct));
        Assert.Equal(Error(-32000, "Server error", "Command handler returned null"), await CallAsync(emulator, "trace_start", "{\"id\":\"fi\",\"uri\":\"file:/nonexistent/x\"}", ct));
        Assert.Equal(Error(-32602, "Invalid params", "Named parameters do not match"), await CallAsync(emulator, "trace_start", "{\"id\":\"x7\",\"uri\":\"hep:127.0.0.1:9\",\"scope\":\"t\"}", ct));
        Assert.Equal(Error(-32602, "Invalid params", "Too few or too many parameters"), await CallAsync(emulator, "trace_start", "{\"id\":\"x8\",\"uri\":\"hep:127.0.0.1:9\",\"filter\":[],\"scope\":\"t\"}", ct));
        Assert.Equal(Error(-32602, "Invalid params", "Too few or too many parameters"), await CallAsync(emulator, "trace_stop", null, ct));
        Assert.Equal(Error(-32602, "Invalid params", "Command only supports named parameters"), await CallAsync(emulator, "trace", "[\"x10\"]", ct));
        Assert.Equal(Error(400, "Bad trace id value"), await CallAsync(emulator, "trace", "{\"id\":\"nope\"}", ct));
        Assert.Equal(Error(500, "Bad parameter value", "trace mode should be 'on' or 'off'"), await CallAsync(emulator, "trace", "{\"mode\":\"maybe\"}", ct));
        Assert.Empty(emulator.TraceDestinations);
    }

    [Fact]
    public async Task trace_lists_the_destinations_in_hash_order_with_their_filters_last_given_first()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var ct = cts.Token;
        const string Uri = "hep:127.0.0.1:35797;transport=udp;version=3";
        foreach (var id in new[] { "x6", "x9", "x10", "x11", "x12" })
        {
            Assert.Equal(Ok, await CallAsync(emulator, "trace_start", $"{{\"id\":\"{id}\",\"uri\":\"{Uri}\"}}", ct));
        }

        Assert.Equal(Ok, await CallAsync(emulator, "trace", "{\"mode\":\"off\"}", ct));

        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":{\"global\":\"off\",\"trace destinations\":[" +
            "{\"name\":\"x6\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"},{\"name\":\"x9\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"}," +
            "{\"name\":\"x12\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"},{\"name\":\"x10\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"}," +
            "{\"name\":\"x11\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"}]},\"id\":1}",
            await CallAsync(emulator, "trace", null, ct));
        Assert.Equal(Ok, await CallAsync(emulator, "trace_start", "{\"id\":\"f\",\"uri\":\"hep:127.0.0.1\",\"filter\":[\"caller=alice\",\"callee=dave\",\"ip=not-an-ip\",\"bogus=1\"],\"scope\":\"t\",\"type\":\"sip\"}", ct));
        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":{\"trace destinations\":[{\"name\":\"f\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:9060\",\"state\":\"dynamic\",\"filters\":[{\"callee\":\"dave\"},{\"caller\":\"alice\"}]}]},\"id\":1}",
            await CallAsync(emulator, "trace", "{\"id\":\"f\"}", ct));
        Assert.Equal(
            "{\"jsonrpc\":\"2.0\",\"result\":{\"trace destinations\":[{\"name\":\"x10\",\"type\":\"HEP\",\"uri\":\"127.0.0.1:35797\",\"state\":\"dynamic\"}]},\"id\":1}",
            await CallAsync(emulator, "trace", "{\"id\":\"x10\"}", ct));
        Assert.Equal(Error(400, "Bad parameter value"), await CallAsync(emulator, "trace", "{\"id\":\"x10\",\"mode\":\"off\"}", ct));
        Assert.Equal("tcp", emulator.TraceDestinations.Single(d => d.Name == "f").Transport);
    }

    [Fact]
    public async Task The_tracer_commands_are_listed_last_and_EnableTracer_false_leaves_them_out()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        await using var without = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false, EnableTracer = false }, cts.Token);

        Assert.Equal(["trace", "trace_start", "trace_stop"], emulator.Commands.TakeLast(3));
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"Help\":\"not available for this command\",\"Exported by\":\"tracer\"},\"id\":1}", await CallAsync(emulator, "help", "[\"trace_start\"]", cts.Token));
        Assert.DoesNotContain("trace_start", without.Commands);
        Assert.Equal(Error(-32601, "Method not found"), await CallAsync(without, "trace_start", "{\"id\":\"a\",\"uri\":\"hep:127.0.0.1:9\"}", cts.Token));
    }

    [Theory]
    [InlineData("zz", "")]
    [InlineData("", "d")]
    [InlineData("mt", "t")]
    [InlineData("tm", "t")]
    [InlineData("dt", "d")]
    [InlineData("m", "m")]
    public void The_scope_is_parsed_as_the_tracer_parses_it(string given, string scope)
    {
        Assert.Equal(scope, EmulatedTracer.ParseScope(given));
    }

    [Theory]
    [InlineData("127.0.0.1:9999;transport=udp", "127.0.0.1:9999", "udp", 3)]
    [InlineData("127.0.0.1", "127.0.0.1:9060", "tcp", 3)]
    [InlineData("localhost:9999; version=2", "localhost:9999", "udp", 2)]
    [InlineData("127.0.0.1:9;version=1;transport=tcp", "127.0.0.1:9", "udp", 1)]
    public void HEP_destinations_default_like_proto_hep(string uri, string listed, string transport, int version)
    {
        var parsed = HepUri.Parse(uri)!;

        Assert.Equal((listed, transport, version), (parsed.HostPort, parsed.Transport, parsed.Version));
    }

    [Fact]
    public void The_HEP3_packet_is_what_proto_hep_sent_for_a_REGISTER_apart_from_the_time()
    {
        var captured = Corpus("hep", "3.6.8_register_request.hep");
        // The payload chunk follows the 6-byte header, 8 fixed chunks (67 bytes) and the two IPv4 address chunks (20 bytes).
        var payloadChunk = 6 + 67 + 20;
        Assert.Equal(0x000f, BinaryPrimitives.ReadUInt16BigEndian(captured.AsSpan(payloadChunk + 2)));
        var sip = Encoding.UTF8.GetString(captured.AsSpan(payloadChunk + 6, BinaryPrimitives.ReadUInt16BigEndian(captured.AsSpan(payloadChunk + 4)) - 6));
        Assert.StartsWith("REGISTER sip:127.0.0.1:36010 SIP/2.0", sip, StringComparison.Ordinal);

        var built = HepEncoder.Hep3(Encoding.UTF8.GetBytes(sip), new IPEndPoint(IPAddress.Loopback, 35107), new IPEndPoint(IPAddress.Loopback, 36010), DateTimeOffset.UnixEpoch, "46a78b49c5@test");

        Assert.Equal(Convert.ToHexString(WithoutTime(captured, 36)), Convert.ToHexString(WithoutTime(built, 36)));
    }

    [Fact]
    public void The_HEPv2_packet_is_what_proto_hep_sent_apart_from_the_time()
    {
        var captured = Corpus("hep", "3.6.8_register_request.hepv2");
        var built = HepEncoder.Hep12(2, captured.AsSpan(28), new IPEndPoint(IPAddress.Loopback, BinaryPrimitives.ReadUInt16BigEndian(captured.AsSpan(4))), new IPEndPoint(IPAddress.Loopback, BinaryPrimitives.ReadUInt16BigEndian(captured.AsSpan(6))), DateTimeOffset.UnixEpoch);

        captured.AsSpan(16, 8).Clear();
        built.AsSpan(16, 8).Clear();
        Assert.Equal(Convert.ToHexString(captured), Convert.ToHexString(built));
    }

    /// <summary>A copy with the seconds and microseconds chunk values (at a fixed offset in proto_hep's order) zeroed.</summary>
    private static byte[] WithoutTime(byte[] packet, int secondsChunk)
    {
        var copy = packet.ToArray();
        Assert.Equal(0x0009, BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(secondsChunk + 2)));
        copy.AsSpan(secondsChunk + 6, 4).Clear();
        copy.AsSpan(secondsChunk + 16, 4).Clear();
        return copy;
    }

    private static byte[] Corpus(string folder, string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                return File.ReadAllBytes(Path.Combine(dir.FullName, "tests", "fuzz", "corpus", folder, name));
            }
        }

        throw new DirectoryNotFoundException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
    }
}
