using System.Globalization;
using System.Text;

namespace OpenSips.Mi.Testing;

/// <summary>One TCP connection to the emulated httpd, with libmicrohttpd's and mi_http's quirks (docs/wire-facts.md#http).</summary>
internal sealed class HttpConnection
{
    private const int MaxHeadBytes = 16 * 1024;
    private readonly Stream _stream;
    private readonly StreamBuffer _reader;
    private readonly HttpServer _server;
    private readonly EmulatorHost _host;

    public HttpConnection(Stream stream, HttpServer server, EmulatorHost host)
    {
        _stream = stream;
        _reader = new StreamBuffer(stream);
        _server = server;
        _host = host;
    }

    private enum Next
    {
        KeepAlive,
        Close,
        Hold,
    }

    public async Task RunAsync()
    {
        var ct = _host.Stopping;
        var lastResponse = _host.Time.GetUtcNow();
        var served = 0;
        while (!ct.IsCancellationRequested)
        {
            if (!await _reader.WaitForDataAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            // An idle keep-alive connection past conn_timeout is closed and the request not executed (docs/wire-facts.md#http-idle-close).
            if (served > 0 && _host.Time.GetUtcNow() - lastResponse > _host.Options.HttpConnectionTimeout)
            {
                return;
            }

            var headBytes = await _reader.ReadHeadAsync(MaxHeadBytes, ct).ConfigureAwait(false);
            var head = headBytes is null ? null : HttpRequestHead.Parse(headBytes);
            if (head is null)
            {
                return;
            }

            var next = await ServeAsync(head, ct).ConfigureAwait(false);
            served++;
            lastResponse = _host.Time.GetUtcNow();
            switch (next)
            {
                case Next.Close:
                    return;
                case Next.Hold:
                    await HoldAsync(ct).ConfigureAwait(false);
                    return;
            }

            // Pipelined bytes are never answered by OpenSIPS's httpd (docs/wire-facts.md#http-keepalive).
            if (_reader.Buffered > 0)
            {
                await HoldAsync(ct).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task<Next> ServeAsync(HttpRequestHead head, CancellationToken ct)
    {
        var now = _host.Time.GetUtcNow();
        var close = head.WantsClose;
        var root = RootOf(head.Path);
        if (head.Method is not ("POST" or "GET"))
        {
            var html = Encoding.ASCII.GetBytes(HttpResponses.UnsupportedHtml);
            await WriteAsync(HttpResponses.WithBody("406 Not Acceptable", now, true, "text/html", html, omitBody: head.Method == "HEAD"), ct).ConfigureAwait(false);
            return Next.Close;
        }

        if (head.Method == "GET")
        {
            if (root is null)
            {
                await WriteAsync(HttpResponses.WithBody("400 Bad Request", now, true, "text/html", Encoding.ASCII.GetBytes(HttpResponses.BadUrlHtml)), ct).ConfigureAwait(false);
                return Next.Close;
            }

            await WriteAsync(HttpResponses.NeverEnding("405 Method Not Allowed", now, true, HttpResponses.JsonType), ct).ConfigureAwait(false);
            return Next.Hold;
        }

        if (root is null)
        {
            if (await ReadBodyAsync(head, int.MaxValue, ct).ConfigureAwait(false) is null)
            {
                return Next.Close;
            }

            await WriteAsync(HttpResponses.WithBody("400 Bad Request", now, close, "text/html", Encoding.ASCII.GetBytes(HttpResponses.BadUrlHtml)), ct).ConfigureAwait(false);
            return close ? Next.Close : Next.KeepAlive;
        }

        var isXml = root == MiTransport.XmlRpc;
        var replyType = isXml ? HttpResponses.XmlType : HttpResponses.JsonType;
        switch (head.MediaType)
        {
            case "application/json" or "text/xml":
                break;
            case "application/x-www-form-urlencoded" or "multipart/form-data":
                await WriteAsync(HttpResponses.NeverEnding("400 Bad Request", now, close, replyType), ct).ConfigureAwait(false);
                return Next.Hold;
            default:
                // No or another Content-Type: libmicrohttpd drops the connection without a response (docs/wire-facts.md#http-content-type, docs/wire-facts.md#xmlrpc-content-type).
                return Next.Close;
        }

        if (head.Header("Expect")?.Equals("100-continue", StringComparison.OrdinalIgnoreCase) == true)
        {
            await WriteAsync(HttpResponses.Continue(), ct).ConfigureAwait(false);
        }

        if (int.TryParse(head.Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var declared) && declared > MaxAnsweredBody)
        {
            // libmicrohttpd's read buffer (half of its 32 KB per connection) cannot hold the request: httpd never answers
            // and the connection stays open (docs/wire-facts.md#http-body-limit).
            return Next.Hold;
        }

        var body = await ReadBodyAsync(head, _host.Options.HttpReceiveBufferSize, ct).ConfigureAwait(false);
        if (body is null)
        {
            return Next.Close;
        }

        if (body.Length == 0 || body.Length > _host.Options.HttpReceiveBufferSize)
        {
            await WriteAsync(HttpResponses.NeverEnding("400 Bad Request", now, close, replyType), ct).ConfigureAwait(false);
            return Next.Hold;
        }

        var request = _host.NewRequest(isXml ? MiTransport.XmlRpc : MiTransport.Http, body);
        var outcome = await _server.ProcessAsync(request, isXml, ct).ConfigureAwait(false);
        return await RespondAsync(request, outcome, close, replyType, ct).ConfigureAwait(false);
    }

    private async Task<Next> RespondAsync(MiEmulatorRequest request, HttpOutcome outcome, bool close, string replyType, CancellationToken ct)
    {
        var plan = _host.Faults.PlanFor(request);
        if (plan.Delay > TimeSpan.Zero)
        {
            await Task.Delay(plan.Delay, _host.Time, ct).ConfigureAwait(false);
        }

        var now = _host.Time.GetUtcNow();
        if (outcome.Body is null || plan.Drop)
        {
            if (plan.Drop || outcome.Status is null)
            {
                return Next.Hold;
            }

            await WriteAsync(HttpResponses.NeverEnding(outcome.Status, now, close, replyType), ct).ConfigureAwait(false);
            return Next.Hold;
        }

        if (plan.NeverEndingBody)
        {
            await WriteAsync(HttpResponses.NeverEnding("200 OK", now, close, replyType), ct).ConfigureAwait(false);
            return Next.Hold;
        }

        var body = (plan.Replace ?? outcome.Body).ToArray();
        var truncated = plan.Truncate is { } t && t < body.Length;
        var response = HttpResponses.WithBody("200 OK", now, close, replyType, truncated ? body.AsSpan(0, Math.Max(0, plan.Truncate!.Value)) : body, body.Length);
        if (plan.CloseConnection)
        {
            await WriteAsync(response.AsMemory(0, response.Length / 2), ct).ConfigureAwait(false);
            return Next.Close;
        }

        await WriteAsync(response, ct).ConfigureAwait(false);
        if (plan.Duplicate)
        {
            await WriteAsync(response, ct).ConfigureAwait(false);
        }

        if (truncated)
        {
            return Next.Hold;
        }

        return close ? Next.Close : Next.KeepAlive;
    }

    /// <summary>Reads a Content-Length or chunked body; bodies over <paramref name="limit"/> are returned truncated to limit+1 bytes.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequestHead head, int limit, CancellationToken ct)
    {
        if (head.IsChunked)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await _reader.ReadLineAsync(ct).ConfigureAwait(false);
                if (sizeLine is null || !int.TryParse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size))
                {
                    return null;
                }

                if (size == 0)
                {
                    while (await _reader.ReadLineAsync(ct).ConfigureAwait(false) is { Length: > 0 })
                    {
                    }

                    return body.ToArray();
                }

                var chunk = await _reader.ReadExactAsync(size, ct).ConfigureAwait(false);
                if (chunk is null || await _reader.ReadLineAsync(ct).ConfigureAwait(false) is null)
                {
                    return null;
                }

                body.Write(chunk);
            }
        }

        var length = int.TryParse(head.Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
        if (length > limit)
        {
            // Too large: libmicrohttpd answers 400 before reading it all.
            return new byte[limit + 1];
        }

        return await _reader.ReadExactAsync(length, ct).ConfigureAwait(false);
    }

    /// <summary>The largest body httpd answers at all, whatever its receive_buf_size: 16299 bytes behind a short header block.</summary>
    private const int MaxAnsweredBody = 16_299;

    private async Task HoldAsync(CancellationToken ct)
    {
        // Keep the connection open and silent until the client goes away or the emulator stops.
        var sink = new byte[4096];
        while (!ct.IsCancellationRequested && await _stream.ReadAsync(sink, ct).ConfigureAwait(false) > 0)
        {
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        await _stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string? RootOf(string path)
    {
        static bool Under(string path, string root) =>
            path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

        if (Under(path, "/mi"))
        {
            return MiTransport.Http;
        }

        return Under(path, "/RPC2") ? MiTransport.XmlRpc : null;
    }
}
