namespace OpenSips.Mi.Trace;

/// <summary>The generic (vendor 0x0000) HEP3 chunk types and the capture protocol types this library uses.</summary>
internal static class HepChunk
{
    public const ushort IpFamily = 0x0001;
    public const ushort IpProtocol = 0x0002;
    public const ushort Ipv4Source = 0x0003;
    public const ushort Ipv4Destination = 0x0004;
    public const ushort Ipv6Source = 0x0005;
    public const ushort Ipv6Destination = 0x0006;
    public const ushort SourcePort = 0x0007;
    public const ushort DestinationPort = 0x0008;
    public const ushort TimestampSeconds = 0x0009;
    public const ushort TimestampMicroseconds = 0x000a;
    public const ushort ProtocolType = 0x000b;
    public const ushort CaptureAgentId = 0x000c;
    public const ushort KeepAlive = 0x000d;
    public const ushort Payload = 0x000f;
    public const ushort CompressedPayload = 0x0010;
    public const ushort CorrelationId = 0x0011;

    /// <summary>Protocol type 0x01: the payload is a SIP message.</summary>
    public const byte ProtocolSip = 0x01;

    /// <summary>The size of the packet header ("HEP3" + total length) and of a chunk header (vendor, type, length).</summary>
    public const int HeaderSize = 6;

    /// <summary>Whether the 4 bytes are the HEP3 id, "HEP3" or its alias "EEP3".</summary>
    public static bool IsId(ReadOnlySpan<byte> four) =>
        four.Length >= 4 && (four[0] == (byte)'H' || four[0] == (byte)'E') && four[1] == (byte)'E' && four[2] == (byte)'P' && four[3] == (byte)'3';
}
