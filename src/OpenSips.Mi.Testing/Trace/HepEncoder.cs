using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>
/// Builds the HEP packets OpenSIPS's proto_hep sends for a traced SIP message (3.6.8, default <c>homer5_on</c>): HEP3
/// with the generic chunks in proto_hep's order (family, protocol, ports, seconds, microseconds, protocol type 1 = SIP,
/// capture id, then the addresses, the payload and the correlation id = Call-ID), or HEPv1/v2 for a
/// <c>version=1|2</c> destination.
/// </summary>
internal static class HepEncoder
{
    /// <summary>proto_hep's <c>hep_capture_id</c> default.</summary>
    public const uint CaptureId = 1;

    public static byte[] Hep3(ReadOnlySpan<byte> sip, IPEndPoint from, IPEndPoint to, DateTimeOffset at, string? correlationId)
    {
        var v6 = from.AddressFamily == AddressFamily.InterNetworkV6;
        var addressSize = v6 ? 16 : 4;
        var correlation = correlationId is null ? [] : Encoding.UTF8.GetBytes(correlationId);
        var total = 6 + (7 * 2) + (8 * 2) + (10 * 2) + 7 + 10 + (2 * (6 + addressSize)) + 6 + sip.Length + (correlationId is null ? 0 : 6 + correlation.Length);
        var packet = new byte[total];
        var span = packet.AsSpan();
        "HEP3"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)total);
        var offset = 6;
        Chunk(span, ref offset, 0x0001, [(byte)(v6 ? 10 : 2)]);
        Chunk(span, ref offset, 0x0002, [17]);
        Chunk16(span, ref offset, 0x0007, (ushort)from.Port);
        Chunk16(span, ref offset, 0x0008, (ushort)to.Port);
        var micros = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 % 1_000_000;
        Chunk32(span, ref offset, 0x0009, (uint)at.ToUnixTimeSeconds());
        Chunk32(span, ref offset, 0x000a, (uint)micros);
        Chunk(span, ref offset, 0x000b, [1]);
        Chunk32(span, ref offset, 0x000c, CaptureId);
        Chunk(span, ref offset, (ushort)(v6 ? 0x0005 : 0x0003), from.Address.GetAddressBytes());
        Chunk(span, ref offset, (ushort)(v6 ? 0x0006 : 0x0004), to.Address.GetAddressBytes());
        Chunk(span, ref offset, 0x000f, sip);
        if (correlationId is not null)
        {
            Chunk(span, ref offset, 0x0011, correlation);
        }

        return packet;
    }

    /// <summary>
    /// HEPv1/v2 as proto_hep writes them: a raw C struct copy, version, header length, family, protocol, the ports in
    /// network order, the IPv4 addresses, then (v2) seconds, microseconds and capture id in the host's (little-endian)
    /// order, then the message.
    /// </summary>
    public static byte[] Hep12(int version, ReadOnlySpan<byte> sip, IPEndPoint from, IPEndPoint to, DateTimeOffset at)
    {
        const int HeaderSize = 8 + 8;
        var timeSize = version == 2 ? 12 : 0;
        var packet = new byte[HeaderSize + timeSize + sip.Length];
        var span = packet.AsSpan();
        span[0] = (byte)version;
        span[1] = HeaderSize;
        span[2] = 2;
        span[3] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)from.Port);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)to.Port);
        from.Address.MapToIPv4().GetAddressBytes().CopyTo(span[8..]);
        to.Address.MapToIPv4().GetAddressBytes().CopyTo(span[12..]);
        if (version == 2)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)at.ToUnixTimeSeconds());
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 % 1_000_000));
            BinaryPrimitives.WriteUInt16LittleEndian(span[24..], (ushort)CaptureId);
        }

        sip.CopyTo(span[(HeaderSize + timeSize)..]);
        return packet;
    }

    private static void Chunk(Span<byte> packet, ref int offset, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet[offset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 2)..], type);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 4)..], (ushort)(6 + value.Length));
        value.CopyTo(packet[(offset + 6)..]);
        offset += 6 + value.Length;
    }

    private static void Chunk16(Span<byte> packet, ref int offset, ushort type, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        Chunk(packet, ref offset, type, bytes);
    }

    private static void Chunk32(Span<byte> packet, ref int offset, ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        Chunk(packet, ref offset, type, bytes);
    }
}
