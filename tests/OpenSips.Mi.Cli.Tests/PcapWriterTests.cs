using System.Buffers.Binary;
using System.Net;
using System.Text;
using OpenSips.Mi.Cli.Output;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>The packets <c>--pcap</c> writes: valid IPv4/IPv6 headers, UDP or TCP by the traced transport, checksums that verify, TCP sequence numbers per direction.</summary>
public sealed class PcapWriterTests : IAsyncDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"opensips-mi-pcap-{Guid.NewGuid():N}.pcap");

    public ValueTask DisposeAsync()
    {
        File.Delete(_file);
        return ValueTask.CompletedTask;
    }

    /// <summary>A HEP3 packet of a SIP message (chunk order as proto_hep sends it).</summary>
    private static SipTraceMessage Traced(string sip, string source, string destination, byte ipProtocol)
    {
        var from = IPEndPoint.Parse(source);
        var to = IPEndPoint.Parse(destination);
        var v6 = from.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var chunks = new List<(ushort Type, byte[] Value)>
        {
            (1, [(byte)(v6 ? 10 : 2)]), (2, [ipProtocol]), (7, U16(from.Port)), (8, U16(to.Port)),
            (9, [0x65, 0x00, 0x00, 0x00]), (10, [0, 0, 0, 42]), (11, [1]),
            ((ushort)(v6 ? 5 : 3), from.Address.GetAddressBytes()), ((ushort)(v6 ? 6 : 4), to.Address.GetAddressBytes()),
            (15, Encoding.UTF8.GetBytes(sip)),
        };
        var body = chunks.SelectMany(c => (byte[])[0, 0, .. U16(c.Type), .. U16(6 + c.Value.Length), .. c.Value]).ToArray();
        byte[] packet = [.. "HEP3"u8, .. U16(6 + body.Length), .. body];
        Assert.True(SipTraceMessage.TryFromHep(packet, out var message, out var error), error);
        return message;
    }

    private static byte[] U16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value);
        return bytes;
    }

    private const string Options = "OPTIONS sip:x@example.com SIP/2.0\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    private const string Ok = "SIP/2.0 200 OK\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\r\n";

    [Fact]
    public async Task A_UDP_message_is_an_IPv4_packet_whose_checksums_verify()
    {
        await using var pcap = await PcapWriter.CreateAsync(_file, TestContext.Current.CancellationToken);
        var message = Traced(Options, "10.0.0.1:5060", "10.0.0.2:5080", 17);

        var packet = pcap.Packet(message);

        Assert.Equal(0x45, packet[0]);
        Assert.Equal(packet.Length, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));
        Assert.Equal(17, packet[9]);
        Assert.Equal(0, PcapWriter.Checksum.Fold(PcapWriter.Checksum.Add(0, packet.AsSpan(0, 20))));
        var udp = packet.AsSpan(20);
        Assert.Equal((5060, 5080, udp.Length), (BinaryPrimitives.ReadUInt16BigEndian(udp), BinaryPrimitives.ReadUInt16BigEndian(udp[2..]), (int)BinaryPrimitives.ReadUInt16BigEndian(udp[4..])));
        var pseudo = PcapWriter.Checksum.PseudoHeader(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 17, udp.Length);
        Assert.Equal(0, PcapWriter.Checksum.Fold(PcapWriter.Checksum.Add(pseudo, udp)));
        Assert.Equal(Options, Encoding.UTF8.GetString(udp[8..]));
    }

    [Fact]
    public async Task TCP_messages_get_a_TCP_header_with_a_sequence_per_direction()
    {
        await using var pcap = await PcapWriter.CreateAsync(_file, TestContext.Current.CancellationToken);
        var request = Traced(Options, "10.0.0.1:40000", "10.0.0.2:5060", 6);
        var reply = Traced(Ok, "10.0.0.2:5060", "10.0.0.1:40000", 6);

        var first = pcap.Packet(request);
        var second = pcap.Packet(request);
        var answer = pcap.Packet(reply);

        Assert.Equal(6, first[9]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan(24)));
        Assert.Equal(1u + (uint)Options.Length, BinaryPrimitives.ReadUInt32BigEndian(second.AsSpan(24)));
        Assert.Equal(1u + (2u * (uint)Options.Length), BinaryPrimitives.ReadUInt32BigEndian(answer.AsSpan(28)));
        Assert.Equal(0x18, first[33]);
        var tcp = answer.AsSpan(20);
        var pseudo = PcapWriter.Checksum.PseudoHeader(IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1"), 6, tcp.Length);
        Assert.Equal(0, PcapWriter.Checksum.Fold(PcapWriter.Checksum.Add(pseudo, tcp)));
        Assert.Equal(Ok, Encoding.UTF8.GetString(tcp[20..]));
    }

    [Fact]
    public async Task An_IPv6_message_is_an_IPv6_packet()
    {
        await using var pcap = await PcapWriter.CreateAsync(_file, TestContext.Current.CancellationToken);

        var packet = pcap.Packet(Traced(Options, "[2001:db8::1]:5060", "[2001:db8::2]:5060", 17));

        Assert.Equal(0x60, packet[0]);
        Assert.Equal(packet.Length - 40, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)));
        Assert.Equal(IPAddress.Parse("2001:db8::2"), new IPAddress(packet.AsSpan(24, 16)));
        var pseudo = PcapWriter.Checksum.PseudoHeader(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2"), 17, packet.Length - 40);
        Assert.Equal(0, PcapWriter.Checksum.Fold(PcapWriter.Checksum.Add(pseudo, packet.AsSpan(40))));
    }

    [Fact]
    public async Task Tshark_reassembles_SIP_over_TCP_and_reads_the_timestamps()
    {
        await using (var pcap = await PcapWriter.CreateAsync(_file, TestContext.Current.CancellationToken))
        {
            await pcap.WriteAsync(Traced(Options, "10.0.0.1:40000", "10.0.0.2:5060", 6), TestContext.Current.CancellationToken);
            await pcap.WriteAsync(Traced(Ok, "10.0.0.2:5060", "10.0.0.1:40000", 6), TestContext.Current.CancellationToken);
        }

        var rows = Tshark.Read(_file, "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch", "-e", "tcp.srcport", "-e", "sip.CSeq", "-e", "sip.Status-Code")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["1694498816.000042000|40000|1 OPTIONS|", "1694498816.000042000|5060|1 OPTIONS|200"], rows);
    }
}
