using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.Testing.Tests;

/// <summary>A raw UDP client: send bytes, receive datagrams, or prove none arrives.</summary>
internal sealed class UdpProbe : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;

    public UdpProbe(IPEndPoint server)
    {
        _server = server;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public Task SendAsync(byte[] bytes, CancellationToken ct) => _socket.SendToAsync(bytes, SocketFlags.None, _server, ct).AsTask();

    public async Task<(byte[] Bytes, EndPoint From)> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[70000];
        var r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
        return (buffer.AsSpan(0, r.ReceivedBytes).ToArray(), r.RemoteEndPoint);
    }

    public async Task<byte[]> RequestAsync(byte[] bytes, CancellationToken ct)
    {
        await SendAsync(bytes, ct);
        return (await ReceiveAsync(ct)).Bytes;
    }

    public async Task<bool> NothingArrivesAsync(TimeSpan within, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(within);
        try
        {
            await ReceiveAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();
}
