using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace OpenSips.Mi.Tests.Trace;

/// <summary>HEP packets proto_hep 3.6.8 really sent (kept as fuzz seeds in tests/fuzz/corpus/hep*), and a builder for made-up ones.</summary>
internal static class HepCaptures
{
    private static readonly Lazy<string> Corpus = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "fuzz", "corpus");
            }
        }

        throw new DirectoryNotFoundException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The REGISTER OpenSIPS received, traced with scope t, filter caller=alice.</summary>
    public static byte[] RegisterRequest => Read("hep", "3.6.8_register_request.hep");

    /// <summary>The stateless 200 OK it answered, in the same trace.</summary>
    public static byte[] RegisterReply => Read("hep", "3.6.8_register_reply_200.hep");

    /// <summary>The REGISTER with <c>modparam("proto_hep", "homer5_on", 0)</c>: the payload is a JSON object.</summary>
    public static byte[] Homer5OffRequest => Read("hep", "3.6.8_homer5_off_register_request.hep");

    /// <summary>The REGISTER sent to a <c>version=2</c> destination.</summary>
    public static byte[] Version2 => Read("hep", "3.6.8_register_request.hepv2");

    /// <summary>The REGISTER sent to a <c>version=1</c> destination.</summary>
    public static byte[] Version1 => Read("hep", "3.6.8_register_request.hepv1");

    /// <summary>A TCP stream: REGISTER, its 200, a MESSAGE and its 202 (without the fuzz target's first byte).</summary>
    public static byte[] TcpStream => Read("hep-stream", "3.6.8_tcp_stream_reads_of_1.hep")[1..];

    public static byte[] Read(string folder, string name) => File.ReadAllBytes(Path.Combine(Corpus.Value, folder, name));

    /// <summary>One chunk: vendor, type, value.</summary>
    public sealed record Chunk(ushort Vendor, ushort Type, byte[] Value)
    {
        public static Chunk Generic(ushort type, params byte[] value) => new(0, type, value);

        public static Chunk U16(ushort type, int value)
        {
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
            return Generic(type, bytes);
        }

        public static Chunk U32(ushort type, uint value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return Generic(type, bytes);
        }
    }

    /// <summary>The chunks of a SIP trace of <paramref name="sip"/> from 10.0.0.1:5060 to 10.0.0.2:5080, in proto_hep's order.</summary>
    public static List<Chunk> SipChunks(string sip, string? correlation = "call-1@x", uint seconds = 1_700_000_000, uint micros = 123_456) =>
    [
        Chunk.Generic(0x0001, 2),
        Chunk.Generic(0x0002, 17),
        Chunk.U16(0x0007, 5060),
        Chunk.U16(0x0008, 5080),
        Chunk.U32(0x0009, seconds),
        Chunk.U32(0x000a, micros),
        Chunk.Generic(0x000b, 1),
        Chunk.U32(0x000c, 2001),
        Chunk.Generic(0x0003, IPAddress.Parse("10.0.0.1").GetAddressBytes()),
        Chunk.Generic(0x0004, IPAddress.Parse("10.0.0.2").GetAddressBytes()),
        Chunk.Generic(0x000f, Encoding.UTF8.GetBytes(sip)),
        .. correlation is null ? Array.Empty<Chunk>() : [Chunk.Generic(0x0011, Encoding.UTF8.GetBytes(correlation))],
    ];

    /// <summary>A HEP3 packet of these chunks (id <c>HEP3</c>, or <c>EEP3</c>).</summary>
    public static byte[] Build(IEnumerable<Chunk> chunks, string id = "HEP3")
    {
        var body = chunks.SelectMany(c =>
        {
            var bytes = new byte[6 + c.Value.Length];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, c.Vendor);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), c.Type);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), (ushort)bytes.Length);
            c.Value.CopyTo(bytes, 6);
            return bytes;
        }).ToArray();
        var packet = new byte[6 + body.Length];
        Encoding.ASCII.GetBytes(id).CopyTo(packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)packet.Length);
        body.CopyTo(packet, 6);
        return packet;
    }

    public const string Invite =
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\nf: \"Alice\" <sip:alice@example.com>;tag=ft1\r\n" +
        "t: <sip:bob@example.com>\r\ni: call-1@x\r\nCSeq: 7 INVITE\r\nContent-Length: 4\r\n\r\nv=0\n";
}
