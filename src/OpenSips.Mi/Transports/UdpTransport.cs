using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>mi_datagram over UDP: ONE connected socket per client, so only the server's datagrams are received.</summary>
internal sealed class UdpTransport : IDatagramTransport
{
    private readonly Socket _socket;

    private UdpTransport(Socket socket, string endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
    }

    public string Name => "mi_datagram";

    public string Endpoint { get; }

    public int MaxRequestBytes => DatagramOptions.MaxRequestBytes;

    public string RequestLimitAdvice => "use mi_http (with a larger httpd receive_buf_size) or mi_fifo for large requests, or split the work into several commands";

    public static UdpTransport Create(DatagramOptions options)
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
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new UdpTransport(socket, options.ToUriString());
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) =>
        SendCoreAsync(datagram, cancellationToken);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask SendCoreAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) =>
        await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
}
