using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Tests.Support;

/// <summary>A bare UDP socket on 127.0.0.1:0 that a test drives by hand, to control exactly which datagrams come back.</summary>
public sealed class RawUdpServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RawUdpServer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public string Uri => $"udp://127.0.0.1:{Port}";

    public async Task<(JsonObject Request, EndPoint From)> ReceiveAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[65536];
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return (JsonNode.Parse(buffer.AsSpan(0, result.ReceivedBytes))!.AsObject(), result.RemoteEndPoint);
    }

    public Task SendAsync(string text, EndPoint to, CancellationToken ct) =>
        _socket.SendToAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, to, ct).AsTask();

    public Task ReplyAsync(JsonObject request, EndPoint to, string resultJson, CancellationToken ct) =>
        SendAsync($$"""{"jsonrpc":"2.0","result":{{resultJson}},"id":{{request["id"]!.ToJsonString()}}}""", to, ct);

    public void Dispose() => _socket.Dispose();
}
