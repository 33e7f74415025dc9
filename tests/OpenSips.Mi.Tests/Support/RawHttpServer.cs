using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenSips.Mi.Tests.Support;

/// <summary>
/// A TCP listener on 127.0.0.1:0 that reads HTTP/1.1 requests (head and Content-Length body) and answers each with the
/// exact bytes a test's handler returns, so a test controls framing (chunked, Connection: close, HTTP/1.0) to the byte.
/// The handler gets the raw request and the connection's number; returning null closes the connection without a reply,
/// and a reply with neither Content-Length nor chunked encoding is followed by the end of the connection.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, byte[]?> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _connections;

    public RawHttpServer(Func<string, int, byte[]?> handler)
    {
        _handler = handler;
        _listener.Start();
        _accept = Task.Run(AcceptAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/mi";

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every request received, as text, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>An HTTP response with a JSON-RPC result for the request's id.</summary>
    public static byte[] Reply(string request, string resultJson, string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    {
        var body = $"{{\"jsonrpc\":\"2.0\",\"result\":{resultJson},\"id\":{IdOf(request)}}}";
        return Encoding.UTF8.GetBytes($"{head}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
    }

    /// <summary>The same, with the body in chunks of <paramref name="chunk"/> bytes and no Content-Length.</summary>
    public static byte[] ChunkedReply(string request, string resultJson, int chunk)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"result\":{resultJson},\"id\":{IdOf(request)}}}");
        var text = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var at = 0; at < body.Length; at += chunk)
        {
            var part = body.AsSpan(at, Math.Min(chunk, body.Length - at));
            text.Append(part.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(";ext=1\r\n").Append(Encoding.UTF8.GetString(part)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.Append("0\r\n\r\n").ToString());
    }

    public static string IdOf(string request)
    {
        var at = request.LastIndexOf("\"id\":", StringComparison.Ordinal) + 5;
        return request[at..request.IndexOf('}', at)];
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var number = Interlocked.Increment(ref _connections);
                _ = Task.Run(() => ServeAsync(socket, number));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        using (socket)
        {
            var buffer = new byte[1 << 16];
            var filled = 0;
            try
            {
                while (true)
                {
                    var text = Encoding.UTF8.GetString(buffer, 0, filled);
                    var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    var length = end < 0 ? 0 : int.Parse(text[(text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase) + 16)..text.IndexOf("\r\n", text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase), StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                    if (end < 0 || filled < end + 4 + length)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                        continue;
                    }

                    var request = text[..(end + 4 + length)];
                    Requests.Enqueue(request);
                    filled -= Encoding.UTF8.GetByteCount(request);
                    Buffer.BlockCopy(buffer, Encoding.UTF8.GetByteCount(request), buffer, 0, filled);
                    if (_handler(request, number) is not { } reply)
                    {
                        return;
                    }

                    await socket.SendAsync(reply, _stop.Token);
                    var head = Encoding.UTF8.GetString(reply);
                    if (!head.Contains("Content-Length:", StringComparison.OrdinalIgnoreCase) && !head.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                    {
                        // A reply without framing ends with the connection.
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}
