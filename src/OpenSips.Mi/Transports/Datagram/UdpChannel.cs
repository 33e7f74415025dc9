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

    public override string RequestLimitAdvice => "use mi_http (with a larger httpd receive_buf_size) or mi_fifo for large requests, or split the work into several commands";

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
