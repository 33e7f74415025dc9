using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenSips.Mi.Testing.Tests;

/// <summary>A raw HTTP/1.1 client on a TcpClient, to see exactly what the emulated httpd sends.</summary>
internal sealed class RawHttp : IDisposable
{
    private readonly TcpClient _client = new();
    private readonly List<byte> _pending = [];
    private NetworkStream? _stream;

    public static async Task<RawHttp> ConnectAsync(Uri uri, CancellationToken ct)
    {
        var http = new RawHttp();
        await http._client.ConnectAsync(IPAddress.Loopback, uri.Port, ct);
        http._stream = http._client.GetStream();
        return http;
    }

    public Task SendAsync(byte[] bytes, CancellationToken ct) => _stream!.WriteAsync(bytes, ct).AsTask();

    public Task SendAsync(string text, CancellationToken ct) => SendAsync(Encoding.UTF8.GetBytes(text), ct);

    public static string Post(string path, string body, string contentType = "application/json", string extraHeaders = "") =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extraHeaders}\r\n{body}";

    /// <summary>Reads a status line and headers; null when the server closed first.</summary>
    public async Task<string?> ReadHeadAsync(CancellationToken ct)
    {
        while (true)
        {
            var at = IndexOf(_pending, "\r\n\r\n"u8.ToArray());
            if (at >= 0)
            {
                var head = Encoding.ASCII.GetString(_pending.GetRange(0, at + 4).ToArray());
                _pending.RemoveRange(0, at + 4);
                return head;
            }

            if (!await FillAsync(ct))
            {
                return null;
            }
        }
    }

    /// <summary>Reads a complete Content-Length response.</summary>
    public async Task<(string Head, byte[] Body)> ReadResponseAsync(CancellationToken ct)
    {
        var head = await ReadHeadAsync(ct) ?? throw new IOException("connection closed without a response");
        var length = int.Parse(Header(head, "Content-Length") ?? "0", CultureInfo.InvariantCulture);
        while (_pending.Count < length)
        {
            if (!await FillAsync(ct))
            {
                throw new IOException("connection closed mid body");
            }
        }

        var body = _pending.GetRange(0, length).ToArray();
        _pending.RemoveRange(0, length);
        return (head, body);
    }

    /// <summary>True when no byte arrives and the connection stays open for <paramref name="within"/>.</summary>
    public async Task<bool> StaysSilentAsync(TimeSpan within, CancellationToken ct)
    {
        if (_pending.Count > 0)
        {
            return false;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(within);
        try
        {
            await FillAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>True when the server closes the connection (EOF or reset) before any byte.</summary>
    public async Task<bool> IsClosedByServerAsync(CancellationToken ct)
    {
        try
        {
            return _pending.Count == 0 && !await FillAsync(ct);
        }
        catch (IOException)
        {
            return true;
        }
    }

    public static string? Header(string head, string name) =>
        head.Split("\r\n").Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    /// <summary>The head with the Date value blanked (it changes every second).</summary>
    public static string WithoutDate(string head) =>
        string.Join("\r\n", head.Split("\r\n").Select(l => l.StartsWith("Date: ", StringComparison.Ordinal) ? "Date: *" : l));

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        var buffer = new byte[65536];
        var n = await _stream!.ReadAsync(buffer, ct);
        _pending.AddRange(buffer.AsSpan(0, n));
        return n > 0;
    }

    private static int IndexOf(List<byte> list, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= list.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = list[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    public void Dispose() => _client.Dispose();
}
