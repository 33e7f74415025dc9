using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Tests.Support;

/// <summary>
/// A bare unix datagram socket in a temporary folder that a test drives by hand. Like mi_datagram it answers from an
/// unbound, non-blocking socket, so a reply that finds the client's queue full is dropped (and counted), not waited for.
/// </summary>
public sealed class RawUnixServer : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("osmi-raw-");
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Socket _reply = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };

    public RawUnixServer()
    {
        Path = System.IO.Path.Combine(_directory.FullName, "mi.sock");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    /// <summary>Where clients may bind their own sockets (a folder of their own, so a test can count them).</summary>
    public string ClientDirectory => Directory.CreateDirectory(System.IO.Path.Combine(_directory.FullName, "clients")).FullName;

    public int Dropped { get; private set; }

    public async Task<(JsonObject Request, string From)> ReceiveAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[65536];
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new UnixDomainSocketEndPoint(Path), timeout.Token);
        return (JsonNode.Parse(buffer.AsSpan(0, result.ReceivedBytes))!.AsObject(), result.RemoteEndPoint.ToString()!);
    }

    /// <summary>Sends without waiting; false (and counted) when the client's queue is full.</summary>
    public bool Send(string text, string to)
    {
        try
        {
            _reply.SendTo(Encoding.UTF8.GetBytes(text), SocketFlags.None, new UnixDomainSocketEndPoint(to));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            Dropped++;
            return false;
        }
    }

    public bool Reply(JsonObject request, string to, string resultJson) =>
        Send($$"""{"jsonrpc":"2.0","result":{{resultJson}},"id":{{request["id"]!.ToJsonString()}}}""", to);

    public void Dispose()
    {
        _socket.Dispose();
        _reply.Dispose();
        _directory.Delete(recursive: true);
    }
}
