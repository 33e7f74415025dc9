using System.IO.Compression;
using System.Net;
using System.Text;
using OpenSips.Mi.Trace;
using static OpenSips.Mi.Tests.Trace.HepCaptures;

namespace OpenSips.Mi.Tests.Trace;

/// <summary>The HEP3 decoder and the SIP fields read from it, on packets OpenSIPS 3.6.8 really sent and on made-up ones.</summary>
public sealed class HepDecoderTests
{
    private static SipTraceMessage Message(byte[] packet)
    {
        Assert.True(HepDecoder.TryDecode(packet, out var hep, out var error), error);
        var message = SipTraceMessage.FromHep(hep, DateTimeOffset.UnixEpoch, "udp:127.0.0.1:9060", out var reason);
        Assert.True(message is not null, reason);
        return message;
    }

    [Fact]
    public void A_captured_REGISTER_decodes_with_its_addresses_time_and_headers()
    {
        var m = Message(RegisterRequest);

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 35107), m.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 36010), m.Destination);
        Assert.Equal("udp", m.Transport);
        Assert.Equal(17, m.IpProtocol);
        Assert.Equal(1u, m.CaptureAgentId);
        Assert.Equal(1796058838, m.CapturedAt.ToUnixTimeSeconds());
        Assert.Equal("46a78b49c5@test", m.CorrelationId);
        Assert.True(m.IsRequest);
        Assert.Equal("REGISTER", m.Method);
        Assert.Equal("REGISTER", m.RequestMethod);
        Assert.Equal("sip:127.0.0.1:36010", m.RequestUri);
        Assert.Equal("REGISTER sip:127.0.0.1:36010 SIP/2.0", m.StartLine);
        Assert.Equal("46a78b49c5@test", m.CallId);
        Assert.Equal((1L, "REGISTER"), (m.CSeqNumber!.Value, m.CSeqMethod));
        Assert.Equal("ft737171", m.FromTag);
        Assert.Null(m.ToTag);
        Assert.Null(m.StatusCode);
        Assert.StartsWith("REGISTER sip:", m.Text, StringComparison.Ordinal);
        Assert.EndsWith("Content-Length: 0\r\n\r\n", m.Text, StringComparison.Ordinal);
        Assert.Equal("udp:127.0.0.1:9060", m.HepSource);
    }

    [Fact]
    public void A_captured_reply_gives_its_status_the_method_it_answers_and_both_tags()
    {
        var m = Message(RegisterReply);

        Assert.False(m.IsRequest);
        Assert.Equal(200, m.StatusCode);
        Assert.Equal("OK", m.ReasonPhrase);
        Assert.Null(m.RequestMethod);
        Assert.Equal("REGISTER", m.Method);
        Assert.Equal("ft737171", m.FromTag);
        Assert.Equal("f09d.87fb0a9a5ecb32dcc62fdbb489e4bf13", m.ToTag);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 36010), m.Source);
    }

    [Fact]
    public void A_homer5_off_payload_is_unwrapped_from_its_JSON_object()
    {
        var m = Message(Homer5OffRequest);

        Assert.StartsWith("REGISTER sip:127.0.0.1:51253 SIP/2.0\r\nVia:", m.Text, StringComparison.Ordinal);
        Assert.Equal("33dba23e9@test", m.CallId);
    }

    [Theory]
    [InlineData("hepv1")]
    [InlineData("hepv2")]
    public void HEPv1_and_v2_are_refused_with_a_reason_that_says_so(string version)
    {
        var packet = version == "hepv1" ? Version1 : Version2;

        Assert.False(HepDecoder.TryDecode(packet, out _, out var error));
        Assert.Equal(HepDecoder.Version12Reason, error);
        Assert.Contains("version=3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_vendor_and_generic_chunks_are_skipped_and_counted()
    {
        var chunks = SipChunks(Invite);
        chunks.Insert(3, new Chunk(0x0003, 0x0021, [1, 2, 3]));
        chunks.Add(Chunk.Generic(0x0026, Encoding.UTF8.GetBytes("tag=x")));
        chunks.Add(Chunk.Generic(0x0065, Encoding.UTF8.GetBytes("{\"net\":\"1\"}")));

        Assert.True(HepDecoder.TryDecode(Build(chunks), out var packet, out _));
        Assert.Equal(3, packet.SkippedChunks);
        Assert.Equal("call-1@x", packet.CorrelationId);
    }

    [Fact]
    public void Compact_headers_a_display_name_and_a_body_are_read()
    {
        var m = Message(Build(SipChunks(Invite)));

        Assert.Equal("INVITE", m.Method);
        Assert.Equal("call-1@x", m.CallId);
        Assert.Equal("ft1", m.FromTag);
        Assert.Null(m.ToTag);
        Assert.Equal((7L, "INVITE"), (m.CSeqNumber!.Value, m.CSeqMethod));
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(1_234_560), m.CapturedAt);
        Assert.EndsWith("\r\n\r\nv=0\n", m.Text, StringComparison.Ordinal);
        Assert.Equal(2001u, m.CaptureAgentId);
    }

    [Fact]
    public void The_EEP3_id_is_accepted_like_HEP3()
    {
        Assert.True(HepDecoder.TryDecode(Build(SipChunks(Invite), "EEP3"), out _, out _));
    }

    [Theory]
    [InlineData("zlib")]
    [InlineData("gzip")]
    public void A_compressed_payload_is_inflated(string format)
    {
        using var buffer = new MemoryStream();
        using (Stream deflater = format == "gzip" ? new GZipStream(buffer, CompressionLevel.Fastest) : new ZLibStream(buffer, CompressionLevel.Fastest))
        {
            deflater.Write(Encoding.UTF8.GetBytes(Invite));
        }

        var chunks = SipChunks(Invite);
        chunks[10] = Chunk.Generic(0x0010, buffer.ToArray());

        Assert.Equal(Invite, Message(Build(chunks)).Text);
    }

    [Theory]
    [InlineData(new byte[] { 0x48, 0x45, 0x50 }, "does not start with HEP3")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00 }, "shorter than its 6-byte header")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00, 0x05 }, "below the 6-byte header")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00, 0x20 }, "cut short: its header says 32 bytes, 6 arrived")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00, 0x09, 0, 0, 0 }, "chunk header cut at byte 6 of 9")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00, 0x0c, 0, 0, 0, 1, 0, 0x20 }, "declares 32 bytes, which does not fit")]
    [InlineData(new byte[] { 0x48, 0x45, 0x50, 0x33, 0x00, 0x0c, 0, 0, 0, 1, 0, 0x05 }, "declares 5 bytes")]
    public void Malformed_packets_are_refused_with_what_is_wrong(byte[] packet, string reason)
    {
        Assert.False(HepDecoder.TryDecode(packet, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_size_chunk_of_the_wrong_size_is_malformed()
    {
        var chunks = SipChunks(Invite);
        chunks[8] = Chunk.Generic(0x0003, 10, 0, 0);

        Assert.False(HepDecoder.TryDecode(Build(chunks), out _, out var error));
        Assert.Contains("chunk 0x0003", error, StringComparison.Ordinal);
        Assert.Contains("3 bytes of data where the specification has 4", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_packet_without_addresses_or_with_a_payload_that_is_not_SIP_is_malformed_and_a_keepalive_is_not()
    {
        var noAddress = SipChunks(Invite).Where(c => c.Type != 0x0003).ToList();
        Assert.True(HepDecoder.TryDecode(Build(noAddress), out var p1, out _));
        Assert.Null(SipTraceMessage.FromHep(p1, DateTimeOffset.UnixEpoch, "s", out var r1));
        Assert.Contains("without source and destination", r1, StringComparison.Ordinal);

        var notSip = SipChunks("hello world\r\n\r\n");
        Assert.True(HepDecoder.TryDecode(Build(notSip), out var p2, out _));
        Assert.Null(SipTraceMessage.FromHep(p2, DateTimeOffset.UnixEpoch, "s", out var r2));
        Assert.Contains("not a SIP message", r2, StringComparison.Ordinal);

        var keepAlive = new List<Chunk> { Chunk.U16(0x000d, 30), Chunk.U32(0x000c, 7) };
        Assert.True(HepDecoder.TryDecode(Build(keepAlive), out var p3, out _));
        Assert.Null(SipTraceMessage.FromHep(p3, DateTimeOffset.UnixEpoch, "s", out var r3));
        Assert.Null(r3);

        var log = SipChunks(Invite);
        log[6] = Chunk.Generic(0x000b, 0x56);
        Assert.True(HepDecoder.TryDecode(Build(log), out var p4, out _));
        Assert.Null(SipTraceMessage.FromHep(p4, DateTimeOffset.UnixEpoch, "s", out var r4));
        Assert.Null(r4);
    }

    [Fact]
    public void Without_a_timestamp_the_capture_time_is_when_it_arrived()
    {
        var chunks = SipChunks(Invite).Where(c => c.Type is not 0x0009 and not 0x000a).ToList();
        Assert.True(HepDecoder.TryDecode(Build(chunks), out var packet, out _));
        var arrived = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var m = SipTraceMessage.FromHep(packet, arrived, "s", out _)!;

        Assert.Equal(arrived, m.CapturedAt);
        Assert.Equal(arrived, m.ReceivedAt);
    }

    [Theory]
    [InlineData(6, "tcp")]
    [InlineData(22, "tls")]
    [InlineData(50, "ws")]
    [InlineData(132, "sctp")]
    [InlineData(99, "ip-99")]
    public void The_IP_protocol_id_names_the_transport_as_OpenSIPS_uses_it(byte id, string transport)
    {
        var chunks = SipChunks(Invite);
        chunks[1] = Chunk.Generic(0x0002, id);

        Assert.Equal(transport, Message(Build(chunks)).Transport);
    }

    [Fact]
    public void A_folded_header_and_an_IPv6_capture_are_read()
    {
        const string Reply = "SIP/2.0 486 Busy Here\r\nTo: <sip:bob@example.com>\r\n ;tag=tt9\r\nCall-ID: c9\r\nCSeq: 2 INVITE\r\n\r\n";
        var chunks = SipChunks(Reply);
        chunks[0] = Chunk.Generic(0x0001, 10);
        chunks[8] = Chunk.Generic(0x0005, IPAddress.Parse("2001:db8::1").GetAddressBytes());
        chunks[9] = Chunk.Generic(0x0006, IPAddress.Parse("2001:db8::2").GetAddressBytes());

        var m = Message(Build(chunks));

        Assert.Equal((486, "Busy Here", "tt9"), (m.StatusCode!.Value, m.ReasonPhrase, m.ToTag));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), m.Source.Address);
        Assert.Equal("INVITE", m.Method);
    }

    [Fact]
    public void The_captured_TCP_stream_splits_into_its_four_packets_whatever_the_read_size()
    {
        foreach (var step in new[] { 1, 2, 5, 6, 7, 100, 4096 })
        {
            var framer = new HepStreamFramer();
            var lines = new List<string>();
            var malformed = 0;
            for (var offset = 0; offset < TcpStream.Length; offset += step)
            {
                framer.Feed(TcpStream.AsSpan(offset, Math.Min(step, TcpStream.Length - offset)), f => lines.Add(Message(f.ToArray()).StartLine), _ => malformed++);
            }

            Assert.Null(framer.End());
            Assert.Equal(0, malformed);
            Assert.Equal(4, lines.Count);
            Assert.Contains(lines, l => l.StartsWith("MESSAGE sip:carol@", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Stream_junk_is_reported_once_skipped_and_the_next_packet_found()
    {
        var good = Build(SipChunks(Invite));
        var stream = Encoding.ASCII.GetBytes("garbage HE junk").Concat(good).Concat(new byte[] { 2, 16, 2, 17, 0, 0 }).Concat(good).ToArray();
        var framer = new HepStreamFramer();
        var frames = 0;
        var reasons = new List<string>();

        framer.Feed(stream, _ => frames++, reasons.Add);

        Assert.Equal(2, frames);
        Assert.Equal(2, reasons.Count);
        Assert.Contains("do not start a HEP3 packet", reasons[0], StringComparison.Ordinal);
        Assert.Equal(HepDecoder.Version12Reason, reasons[1]);
    }

    [Fact]
    public void A_connection_closed_inside_a_packet_is_reported()
    {
        var framer = new HepStreamFramer();
        framer.Feed(Build(SipChunks(Invite)).AsSpan(0, 40), _ => Assert.Fail("no frame yet"), _ => Assert.Fail("not junk"));

        Assert.Equal("the connection closed in the middle of a HEP3 packet", framer.End());
        Assert.Null(framer.End());
    }
}
