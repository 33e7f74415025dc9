using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi.Benchmarks;

/// <summary>A UDP socket on a thread of its own answering <c>uptime</c> requests without allocating.</summary>
internal sealed class RawResponder : IDisposable
{
    private static readonly byte[] Head = "{\"jsonrpc\":\"2.0\",\"result\":{\"Now\":\"Thu Nov 26 16:29:25 2026\",\"Up since\":\"Thu Nov 26 16:28:17 2026\",\"Up time\":\"68 [sec]\"},\"id\":"u8.ToArray();
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;

    public RawResponder()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Run) { IsBackground = true, Name = "raw responder" };
        _thread.Start();
    }

    public int Port { get; }

    private void Run()
    {
        var request = new byte[65536];
        var reply = new byte[1024];
        Head.CopyTo(reply, 0);
        var from = new SocketAddress(AddressFamily.InterNetwork);
        try
        {
            while (true)
            {
                var length = _socket.ReceiveFrom(request, SocketFlags.None, from);
                var span = request.AsSpan(0, length);
                var at = span.LastIndexOf("\"id\":"u8) + 5;
                var id = span[at..^1];
                id.CopyTo(reply.AsSpan(Head.Length));
                reply[Head.Length + id.Length] = (byte)'}';
                _socket.SendTo(reply.AsSpan(0, Head.Length + id.Length + 1), SocketFlags.None, from);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
