using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>mi_datagram over UDP: ONE connected socket per client, so only the server's datagrams are received.</summary>
internal sealed class UdpChannel : DatagramChannel
{
    private UdpChannel(Socket socket, string endpoint)
        : base(socket, endpoint)
    {
    }

    public override string TimeoutHint => "is mi_datagram listening there? (UDP cannot tell a silent server from a lost packet)";

    public override string RequestLimitAdvice => "split the work into several commands (no other MI transport takes more: mi_http about 16 KB, mi_fifo 4096 bytes)";

    /// <summary>
    /// One socket, no bound but the receive buffer: replies wait there until read, and one that does not fit is dropped,
    /// so the replies in flight must fit in half of it (the kernel counts each datagram with its overhead).
    /// </summary>
    public static DatagramLanes CreateLanes(DatagramOptions options)
    {
        var channel = Create(options);
        var budget = Math.Max(channel.Socket.ReceiveBufferSize / 2, 64 * 1024);
        return new DatagramLanes(() => channel, int.MaxValue, 1, budget,
            $"it waited for a free slot: the replies in flight must fit in this client's UDP receive buffer ({budget / 1024} KiB of the kernel's {channel.Socket.ReceiveBufferSize / 1024} KiB, see net.core.rmem_max), judging by the largest recent reply");
    }

    public static UdpChannel Create(DatagramOptions options)
    {
        var addresses = IPAddress.TryParse(options.Host, out var literal)
            ? [literal]
            : Dns.GetHostAddresses(options.Host);
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"Host '{options.Host}' has no address.", nameof(options));
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Many replies may be in flight at once; a roomy kernel buffer keeps bursts from being dropped.
            socket.ReceiveBufferSize = Math.Max(socket.ReceiveBufferSize, 1 << 20);
            socket.Connect(new IPEndPoint(address, options.Port));
            return new UdpChannel(socket, options.ToUriString());
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override SocketError Send(ReadOnlySpan<byte> datagram)
    {
        // A UDP send does not wait for the peer; on a blocking socket it returns as soon as the datagram is queued.
        Socket.Send(datagram, SocketFlags.None, out var error);
        return error;
    }
}
