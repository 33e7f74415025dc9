using System.Net;

namespace OpenSips.Mi.Trace;

/// <summary>
/// One decoded HEP3 packet: the generic (vendor 0) chunks a SIP trace needs, as defined by the HEP3 Network Protocol
/// Specification (SIPCAPTURE). Chunks of other vendors and unknown generic types are skipped and counted.
/// </summary>
internal sealed class HepPacket
{
    /// <summary>Chunk 0x0001, IP protocol family: 2 IPv4, 10 IPv6.</summary>
    public byte? IpFamily { get; set; }

    /// <summary>Chunk 0x0002, IP protocol id: 17 UDP, 6 TCP, 132 SCTP (OpenSIPS also uses 22 for TLS and 50 for WebSocket).</summary>
    public byte? IpProtocol { get; set; }

    /// <summary>Chunk 0x0003 or 0x0005.</summary>
    public IPAddress? SourceAddress { get; set; }

    /// <summary>Chunk 0x0004 or 0x0006.</summary>
    public IPAddress? DestinationAddress { get; set; }

    /// <summary>Chunk 0x0007.</summary>
    public ushort? SourcePort { get; set; }

    /// <summary>Chunk 0x0008.</summary>
    public ushort? DestinationPort { get; set; }

    /// <summary>Chunk 0x0009, seconds since the epoch.</summary>
    public uint? TimestampSeconds { get; set; }

    /// <summary>Chunk 0x000a, microseconds added to <see cref="TimestampSeconds"/>.</summary>
    public uint? TimestampMicroseconds { get; set; }

    /// <summary>Chunk 0x000b, what the payload is: 0x01 SIP.</summary>
    public byte? ProtocolType { get; set; }

    /// <summary>Chunk 0x000c.</summary>
    public uint? CaptureAgentId { get; set; }

    /// <summary>Chunk 0x000d, a keep-alive carries no payload.</summary>
    public ushort? KeepAliveSeconds { get; set; }

    /// <summary>Chunk 0x000f (or 0x0010 when <see cref="PayloadCompressed"/>); a copy.</summary>
    public byte[]? Payload { get; set; }

    /// <summary>Whether the payload came in chunk 0x0010 (gzip or zlib).</summary>
    public bool PayloadCompressed { get; set; }

    /// <summary>Chunk 0x0011, the correlation id (OpenSIPS puts the Call-ID there).</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Chunks skipped: other vendors' and generic types this decoder does not use.</summary>
    public int SkippedChunks { get; set; }
}
