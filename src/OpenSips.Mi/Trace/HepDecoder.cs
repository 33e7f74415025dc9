using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace OpenSips.Mi.Trace;

/// <summary>
/// Decodes one HEP3 packet (a UDP datagram, or a frame cut from a TCP stream by <see cref="HepStreamFramer"/>), as the
/// HEP3 Network Protocol Specification defines it: the 4-byte id <c>HEP3</c> (or <c>EEP3</c>), a 2-byte total length
/// in network order, then chunks of vendor id, type id and total chunk length (all 2 bytes, network order) followed by
/// the chunk payload. Never throws on bad input: it says what is wrong instead.
/// </summary>
internal static class HepDecoder
{
    /// <summary>Why HEPv1 and HEPv2 are refused; they carry no timestamps per message (v1) and no correlation id.</summary>
    public const string Version12Reason = "a HEPv1/HEPv2 packet: only HEPv3 is decoded (ask OpenSIPS for version=3 in the HEP URI)";

    /// <summary>Decodes a packet.</summary>
    /// <param name="data">The packet; bytes after the packet's total length are ignored.</param>
    /// <param name="packet">The packet when it could be decoded.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns>Whether it decoded.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out HepPacket? packet, [NotNullWhen(false)] out string? error)
    {
        packet = null;
        if (!HepChunk.IsId(data))
        {
            error = LooksLikeVersion12(data) ? Version12Reason : "not a HEP packet (it does not start with HEP3)";
            return false;
        }

        if (data.Length < HepChunk.HeaderSize)
        {
            error = "a HEP3 packet shorter than its 6-byte header";
            return false;
        }

        int total = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        if (total < HepChunk.HeaderSize)
        {
            error = Invariant($"a HEP3 packet whose total length {total} is below the 6-byte header");
            return false;
        }

        if (total > data.Length)
        {
            error = Invariant($"a HEP3 packet cut short: its header says {total} bytes, {data.Length} arrived");
            return false;
        }

        var result = new HepPacket();
        var offset = HepChunk.HeaderSize;
        while (offset < total)
        {
            if (total - offset < HepChunk.HeaderSize)
            {
                error = Invariant($"a HEP3 chunk header cut at byte {offset} of {total}");
                return false;
            }

            var vendor = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var type = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 4)..]);
            if (length < HepChunk.HeaderSize || length > total - offset)
            {
                error = Invariant($"HEP3 chunk 0x{vendor:x4}/0x{type:x4} at byte {offset} declares {length} bytes, which does not fit in the packet");
                return false;
            }

            var value = data.Slice(offset + HepChunk.HeaderSize, length - HepChunk.HeaderSize);
            string? bad = null;
            if (vendor != 0 || !TryRead(result, type, value, out bad))
            {
                if (bad is not null)
                {
                    error = Invariant($"HEP3 chunk 0x{type:x4} at byte {offset}: {bad}");
                    return false;
                }

                result.SkippedChunks++;
            }

            offset += length;
        }

        packet = result;
        error = null;
        return true;
    }

    /// <summary>HEPv1/v2 start with the version byte, the header length and the address family (2 or 10).</summary>
    public static bool LooksLikeVersion12(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] is 1 or 2 && data[2] is 2 or 10;

    /// <summary>Reads a generic chunk into the packet; false with a null error for a type it does not use, false with an error for a bad size.</summary>
    private static bool TryRead(HepPacket packet, ushort type, ReadOnlySpan<byte> value, out string? error)
    {
        error = null;
        var size = type switch
        {
            HepChunk.IpFamily or HepChunk.IpProtocol or HepChunk.ProtocolType => 1,
            HepChunk.SourcePort or HepChunk.DestinationPort or HepChunk.KeepAlive => 2,
            HepChunk.Ipv4Source or HepChunk.Ipv4Destination or HepChunk.TimestampSeconds or HepChunk.TimestampMicroseconds or HepChunk.CaptureAgentId => 4,
            HepChunk.Ipv6Source or HepChunk.Ipv6Destination => 16,
            HepChunk.Payload or HepChunk.CompressedPayload or HepChunk.CorrelationId => -1,
            _ => 0,
        };
        if (size == 0)
        {
            return false;
        }

        if (size > 0 && value.Length != size)
        {
            error = Invariant($"{value.Length} bytes of data where the specification has {size}");
            return false;
        }

        switch (type)
        {
            case HepChunk.IpFamily:
                packet.IpFamily = value[0];
                break;
            case HepChunk.IpProtocol:
                packet.IpProtocol = value[0];
                break;
            case HepChunk.ProtocolType:
                packet.ProtocolType = value[0];
                break;
            case HepChunk.Ipv4Source or HepChunk.Ipv6Source:
                packet.SourceAddress = new IPAddress(value);
                break;
            case HepChunk.Ipv4Destination or HepChunk.Ipv6Destination:
                packet.DestinationAddress = new IPAddress(value);
                break;
            case HepChunk.SourcePort:
                packet.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(value);
                break;
            case HepChunk.DestinationPort:
                packet.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(value);
                break;
            case HepChunk.KeepAlive:
                packet.KeepAliveSeconds = BinaryPrimitives.ReadUInt16BigEndian(value);
                break;
            case HepChunk.TimestampSeconds:
                packet.TimestampSeconds = BinaryPrimitives.ReadUInt32BigEndian(value);
                break;
            case HepChunk.TimestampMicroseconds:
                packet.TimestampMicroseconds = BinaryPrimitives.ReadUInt32BigEndian(value);
                break;
            case HepChunk.CaptureAgentId:
                packet.CaptureAgentId = BinaryPrimitives.ReadUInt32BigEndian(value);
                break;
            case HepChunk.CorrelationId:
                packet.CorrelationId = Encoding.UTF8.GetString(value);
                break;
            default:
                packet.Payload = value.ToArray();
                packet.PayloadCompressed = type == HepChunk.CompressedPayload;
                break;
        }

        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
