using System.Text;
using CsCheck;
using OpenSips.Mi.Tests.Trace;
using OpenSips.Mi.Trace;
using static OpenSips.Mi.Tests.Trace.HepCaptures;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>
/// Property tests of the HEP3 decoder and the TCP stream framer: any chunk order, unknown chunks anywhere, a stream cut
/// at any byte, and garbage never throwing.
/// </summary>
public sealed class HepProperties
{
    private const int Iterations = 1000;

    /// <summary>A SIP message: request or reply, with a Call-ID, a CSeq and a From tag made of generated words.</summary>
    private static readonly Gen<string> Sip = Gen.Select(Gen.Bool, Gen.Char['a', 'z'].Array[1, 10], Gen.Int[1, 99999], Gen.Char['a', 'z'].Array[0, 60], (request, word, cseq, body) =>
    {
        var w = new string(word);
        var start = request ? $"OPTIONS sip:{w}@example.com SIP/2.0" : "SIP/2.0 404 Not Found";
        return $"{start}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK{w}\r\nFrom: <sip:{w}@x>;tag=f{w}\r\nTo: <sip:b@x>\r\nCall-ID: {w}-{cseq}\r\n" +
            $"CSeq: {cseq} OPTIONS\r\nContent-Length: {body.Length}\r\n\r\n{new string(body)}";
    });

    /// <summary>A chunk the decoder must skip: another vendor's (any type), or a generic type it does not use.</summary>
    private static readonly Gen<Chunk> Unknown = Gen.Select(
        Gen.OneOf(Gen.UShort[1, ushort.MaxValue].Select(v => (v, (ushort)0)), Gen.OneOf<ushort>(0x000e, 0x0012, 0x0013, 0x0020, 0x0026, 0x0065, 0x7fff).Select(t => ((ushort)0, t))),
        Gen.UShort,
        Gen.Byte.Array[0, 40],
        (vt, anyType, value) => new Chunk(vt.Item1, vt.Item1 == 0 ? vt.Item2 : anyType, value));

    /// <summary>A packet: the SIP chunks in any order with unknown chunks mixed in; and how many were added.</summary>
    private static readonly Gen<(byte[] Packet, string Sip, int Unknown)> Packet = Gen.Select(Sip, Unknown.Array[0, 5], Gen.Int.Array[20], (sip, unknown, keys) =>
    {
        var chunks = SipChunks(sip).Concat(unknown).Select((c, i) => (c, keys[i % keys.Length] ^ i)).OrderBy(p => p.Item2).Select(p => p.c).ToList();
        return (Build(chunks), sip, unknown.Length);
    });

    [Fact]
    public void Any_chunk_order_with_unknown_chunks_decodes_to_the_same_message()
    {
        Packet.Sample(p =>
        {
            Assert.True(HepDecoder.TryDecode(p.Packet, out var packet, out var error), error);
            Assert.Equal(p.Unknown, packet.SkippedChunks);
            var message = SipTraceMessage.FromHep(packet, DateTimeOffset.UnixEpoch, "s", out var reason);
            Assert.True(message is not null, reason);
            Assert.Equal(p.Sip, message.Text);
            Assert.Equal(("10.0.0.1:5060", "10.0.0.2:5080"), (message.Source.ToString(), message.Destination.ToString()));
            Assert.Equal("call-1@x", message.CorrelationId);
            Assert.StartsWith(message.CallId!.Split('-')[0], message.FromTag![1..], StringComparison.Ordinal);
        }, iter: Iterations);
    }

    [Fact]
    public void A_stream_of_packets_cut_anywhere_gives_back_every_packet_in_order()
    {
        Gen.Select(Packet.Array[1, 6], Gen.Int[1, 300].Array[1, 12]).Sample((packets, cuts) =>
        {
            var stream = packets.SelectMany(p => p.Packet).ToArray();
            var framer = new HepStreamFramer();
            var frames = new List<byte[]>();
            var offset = 0;
            var cut = 0;
            while (offset < stream.Length)
            {
                var length = Math.Min(cuts[cut++ % cuts.Length], stream.Length - offset);
                framer.Feed(stream.AsSpan(offset, length), f => frames.Add(f.ToArray()), reason => Assert.Fail(reason));
                offset += length;
            }

            Assert.Null(framer.End());
            Assert.Equal(packets.Select(p => Convert.ToHexString(p.Packet)), frames.Select(Convert.ToHexString));
        }, iter: Iterations);
    }

    [Fact]
    public void Junk_between_packets_is_skipped_and_never_loses_a_packet_after_it()
    {
        var junk = Gen.Byte.Array[1, 30].Where(b => !Encoding.ASCII.GetString(b).Contains("EP3", StringComparison.Ordinal));
        Gen.Select(Packet, junk, Packet).Sample((first, garbage, second) =>
        {
            var framer = new HepStreamFramer();
            var frames = new List<string>();
            var reasons = 0;
            framer.Feed([.. first.Packet, .. garbage, .. second.Packet], f => frames.Add(Convert.ToHexString(f.Span)), _ => reasons++);

            Assert.Equal(Convert.ToHexString(second.Packet), frames[^1]);
            Assert.Contains(Convert.ToHexString(first.Packet), frames);
            Assert.InRange(reasons, 1, 2);
        }, iter: Iterations);
    }

    [Fact]
    public void Garbage_and_damaged_packets_never_throw()
    {
        var damaged = Gen.Select(Packet, Gen.Int[0, 1000], Gen.Byte, (p, at, value) =>
        {
            var bytes = p.Packet.ToArray();
            bytes[at % bytes.Length] = value;
            return bytes;
        });
        Gen.OneOf(Gen.Byte.Array[0, 200], damaged, Packet.Select(p => p.Packet[..(p.Packet.Length / 2)])).Sample(bytes =>
        {
            if (HepDecoder.TryDecode(bytes, out var packet, out _))
            {
                _ = SipTraceMessage.FromHep(packet, DateTimeOffset.UnixEpoch, "s", out _)?.ToString();
            }

            var framer = new HepStreamFramer();
            framer.Feed(bytes, f => HepDecoder.TryDecode(f.Span, out _, out _), _ => { });
            _ = framer.End();
        }, iter: Iterations * 3);
    }
}
