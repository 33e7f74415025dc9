using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Cli.Output;

/// <summary>
/// Writes traced SIP messages as a classic pcap file (microsecond timestamps, link type 101 "raw IP") that Wireshark and
/// tshark open: each message becomes one IPv4 or IPv6 packet with a UDP header, or a TCP header (ACK|PSH, a sequence
/// number per direction so the stream reassembles) for SIP over TCP, TLS or WebSocket, built from the HEP addresses and
/// ports. Every record is flushed as it is written, so the file is readable while the trace runs and after Ctrl+C.
/// </summary>
internal sealed class PcapWriter : IAsyncDisposable
{
    private const int LinkTypeRaw = 101;
    private const int SnapLength = 262144;
    private readonly Stream _stream;
    private readonly Dictionary<(IPEndPoint, IPEndPoint), uint> _sequence = [];

    private PcapWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Records written.</summary>
    public int Count { get; private set; }

    /// <summary>Creates (or truncates) the file and writes the pcap header.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write it.</exception>
    public static async Task<PcapWriter> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: true);
        var writer = new PcapWriter(stream);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeRaw);
        await stream.WriteAsync(header, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return writer;
    }

    /// <summary>Appends one message and flushes.</summary>
    public async Task WriteAsync(SipTraceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var packet = Packet(message);
        var record = new byte[16 + packet.Length];
        var micros = (message.CapturedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)packet.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)packet.Length);
        packet.CopyTo(record, 16);
        await _stream.WriteAsync(record, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        Count++;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    /// <summary>The IP packet carrying the message: IP header, UDP or TCP header, SIP bytes.</summary>
    internal byte[] Packet(SipTraceMessage message)
    {
        var source = Normalize(message.Source);
        var destination = Normalize(message.Destination);
        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6 || destination.AddressFamily == AddressFamily.InterNetworkV6;
        if (v6)
        {
            source = new IPEndPoint(source.Address.MapToIPv6(), source.Port);
            destination = new IPEndPoint(destination.Address.MapToIPv6(), destination.Port);
        }

        var tcp = message.Transport is "tcp" or "tls" or "ws";
        var payload = message.Raw.Span;
        var transportSize = tcp ? 20 : 8;
        var ipSize = v6 ? 40 : 20;
        var length = Math.Min(payload.Length, ushort.MaxValue - ipSize - transportSize);
        var packet = new byte[ipSize + transportSize + length];
        var segment = packet.AsSpan(ipSize);
        payload[..length].CopyTo(segment[transportSize..]);
        BinaryPrimitives.WriteUInt16BigEndian(segment, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)destination.Port);
        if (tcp)
        {
            var flow = (source, destination);
            var sequence = _sequence.GetValueOrDefault(flow, 1u);
            _sequence[flow] = sequence + (uint)length;
            BinaryPrimitives.WriteUInt32BigEndian(segment[4..], sequence);
            BinaryPrimitives.WriteUInt32BigEndian(segment[8..], _sequence.GetValueOrDefault((destination, source), 1u));
            segment[12] = 5 << 4;
            segment[13] = 0x18;
            BinaryPrimitives.WriteUInt16BigEndian(segment[14..], 65535);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(8 + length));
        }

        var protocol = (byte)(tcp ? 6 : 17);
        var pseudo = Checksum.PseudoHeader(source.Address, destination.Address, protocol, transportSize + length);
        var sum = Checksum.Fold(Checksum.Add(pseudo, segment));
        BinaryPrimitives.WriteUInt16BigEndian(segment[(tcp ? 16 : 6)..], sum == 0 && !tcp ? (ushort)0xffff : sum);
        var ip = packet.AsSpan(0, ipSize);
        if (v6)
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(transportSize + length));
            ip[6] = protocol;
            ip[7] = 64;
            source.Address.GetAddressBytes().CopyTo(ip[8..]);
            destination.Address.GetAddressBytes().CopyTo(ip[24..]);
        }
        else
        {
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)packet.Length);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)Count);
            BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);
            ip[8] = 64;
            ip[9] = protocol;
            source.Address.GetAddressBytes().CopyTo(ip[12..]);
            destination.Address.GetAddressBytes().CopyTo(ip[16..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Fold(Checksum.Add(0, ip)));
        }

        return packet;
    }

    private static IPEndPoint Normalize(IPEndPoint e) => e.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(e.Address.MapToIPv4(), e.Port) : e;

    /// <summary>The Internet checksum (RFC 1071): a one's complement sum of 16-bit words.</summary>
    internal static class Checksum
    {
        public static uint Add(uint sum, ReadOnlySpan<byte> data)
        {
            var i = 0;
            for (; i + 1 < data.Length; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            }

            if (i < data.Length)
            {
                sum += (uint)data[i] << 8;
            }

            return sum;
        }

        public static ushort Fold(uint sum)
        {
            while (sum > 0xffff)
            {
                sum = (sum & 0xffff) + (sum >> 16);
            }

            return (ushort)~sum;
        }

        /// <summary>The sum of the UDP/TCP pseudo-header (addresses, protocol, length).</summary>
        public static uint PseudoHeader(IPAddress source, IPAddress destination, byte protocol, int length)
        {
            var sum = Add(0, source.GetAddressBytes());
            sum = Add(sum, destination.GetAddressBytes());
            return sum + protocol + (uint)length;
        }
    }
}
