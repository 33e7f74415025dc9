using System.Buffers;
using System.Buffers.Text;

namespace OpenSips.Mi;

/// <summary>
/// Reads one HTTP/1.1 response from a connection's bytes as they arrive: the status line and headers, then a body framed
/// by Content-Length (what httpd sends), chunked encoding or the end of the connection (what a proxy may send). A non-200
/// status is reported as soon as the headers are in, without waiting for its body: httpd's never ends.
/// </summary>
internal sealed class HttpResponseReader
{
    /// <summary>The largest reply accepted.</summary>
    public const int MaxReplyBytes = 256 * 1024 * 1024;

    private const int MaxHeadBytes = 64 * 1024;

    private byte[] _buffer;
    private int _start;
    private int _end;
    private Stage _stage;
    private int _bodyStart;
    private long _contentLength;
    private PooledBufferWriter? _chunks;

    public HttpResponseReader()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    }

    private enum Stage
    {
        Head,
        Length,
        Chunked,
        UntilClose,
        Done,
    }

    public int Status { get; private set; }

    public string? Reason { get; private set; }

    /// <summary>The server asked to close the connection after this response (or spoke HTTP/1.0).</summary>
    public bool CloseAfter { get; private set; }

    /// <summary>True once any byte of the response arrived.</summary>
    public bool Started => _end > 0 || Status != 0;

    /// <summary>Starts a new response (the connection is reused).</summary>
    public void Reset()
    {
        _start = _end = 0;
        _stage = Stage.Head;
        Status = 0;
        Reason = null;
        CloseAfter = false;
        _contentLength = 0;
        _bodyStart = 0;
        if (_chunks is not null)
        {
            PooledBufferWriter.Return(_chunks);
            _chunks = null;
        }
    }

    /// <summary>Where the next bytes from the socket go (at least 4 KiB).</summary>
    public Span<byte> FreeSpace()
    {
        if (_stage == Stage.Chunked && _start > 0)
        {
            // Decoded chunks are copied out as they complete: keep only what is not decoded yet.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_buffer.Length - _end < 4096)
        {
            Grow(_end + 4096);
        }

        return _buffer.AsSpan(_end);
    }

    /// <summary>Takes <paramref name="count"/> bytes just written into <see cref="FreeSpace"/>; 0 means the server closed.</summary>
    /// <returns>True when the response is complete (or, for a non-200 status, its headers are).</returns>
    /// <exception cref="MiProtocolException">The bytes are not an HTTP response or the body is over the limit.</exception>
    public bool Advance(int count)
    {
        if (count == 0)
        {
            if (_stage == Stage.UntilClose)
            {
                _stage = Stage.Done;
                return true;
            }

            throw new EndOfStreamException();
        }

        _end += count;
        return Parse();
    }

    /// <summary>The body of a complete 200 response, handed over: the reader keeps working with a new buffer.</summary>
    public MiReplyBuffer TakeBody()
    {
        if (_chunks is not null)
        {
            var chunks = _chunks;
            _chunks = null;
            var copy = ArrayPool<byte>.Shared.Rent(Math.Max(chunks.WrittenCount, 1));
            chunks.WrittenSpan.CopyTo(copy);
            var length = chunks.WrittenCount;
            PooledBufferWriter.Return(chunks);
            return MiReplyBuffer.Rented(copy, 0, length);
        }

        var body = MiReplyBuffer.Rented(_buffer, _bodyStart, (int)_contentLength);
        _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        _start = _end = 0;
        return body;
    }

    private bool Parse()
    {
        while (true)
        {
            switch (_stage)
            {
                case Stage.Head:
                    if (!ParseHead())
                    {
                        return false;
                    }

                    if (Status != 200)
                    {
                        _stage = Stage.Done;
                        return true;
                    }

                    break;
                case Stage.Length:
                    if (_contentLength > MaxReplyBytes)
                    {
                        throw TooLarge();
                    }

                    Grow(_bodyStart + (int)_contentLength);
                    if (_end - _bodyStart < _contentLength)
                    {
                        return false;
                    }

                    _stage = Stage.Done;
                    return true;
                case Stage.Chunked:
                    return ParseChunks();
                case Stage.UntilClose:
                    _contentLength = _end - _bodyStart;
                    if (_contentLength > MaxReplyBytes)
                    {
                        throw TooLarge();
                    }

                    return false;
                default:
                    return true;
            }
        }
    }

    private bool ParseHead()
    {
        var head = _buffer.AsSpan(_start, _end - _start);
        var end = head.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (head.Length > MaxHeadBytes)
            {
                throw Malformed("the response headers are over 64 KiB");
            }

            return false;
        }

        var lines = head[..end];
        var lineEnd = lines.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? lines : lines[..lineEnd];

        // HTTP/1.x SP 3DIGIT SP reason
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var consumed) || consumed != 3)
        {
            throw Malformed("the response does not start with an HTTP/1.x status line");
        }

        var http10 = statusLine[7] == (byte)'0';
        var reason = statusLine.Length > 13 ? System.Text.Encoding.ASCII.GetString(statusLine[13..]) : string.Empty;
        _start += end + 4;
        if (status is >= 100 and < 200)
        {
            // An interim response (100 Continue): the real one follows.
            return ParseHead();
        }

        Status = status;
        Reason = reason;
        CloseAfter = http10;
        long? length = null;
        var chunked = false;
        var rest = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : lines[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = next < 0 ? rest : rest[..next];
            rest = next < 0 ? ReadOnlySpan<byte>.Empty : rest[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (name.Length == 14 && System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out var used) || used != value.Length || parsed < 0)
                {
                    throw Malformed("its Content-Length is not a number");
                }

                length = parsed;
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = System.Text.Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                CloseAfter = System.Text.Ascii.EqualsIgnoreCase(value, "close"u8) || (http10 && !System.Text.Ascii.EqualsIgnoreCase(value, "keep-alive"u8));
            }
        }

        _bodyStart = _start;
        if (chunked)
        {
            _stage = Stage.Chunked;
            _chunks = PooledBufferWriter.Rent();
        }
        else if (length is { } contentLength)
        {
            _contentLength = contentLength;
            _stage = Stage.Length;
        }
        else
        {
            _stage = Stage.UntilClose;
            CloseAfter = true;
        }

        return true;
    }

    private bool ParseChunks()
    {
        while (true)
        {
            var data = _buffer.AsSpan(_start, _end - _start);
            var lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }

            var sizeText = data[..lineEnd];
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }

            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out long size, out var used, 'x') || used == 0 || size < 0)
            {
                throw Malformed("a chunk size is not hexadecimal");
            }

            if (size == 0)
            {
                // The last chunk, then optional trailers and an empty line.
                var trailers = data[(lineEnd + 2)..];
                var end = trailers.StartsWith("\r\n"u8) ? 0 : trailers.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    return false;
                }

                _stage = Stage.Done;
                return true;
            }

            if (_chunks!.WrittenCount + size > MaxReplyBytes)
            {
                throw TooLarge();
            }

            if (data.Length < lineEnd + 2 + size + 2)
            {
                Grow(_start + lineEnd + 2 + (int)size + 2);
                return false;
            }

            _chunks.Write(data.Slice(lineEnd + 2, (int)size));
            _start += lineEnd + 2 + (int)size + 2;
        }
    }

    private void Grow(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private static MiProtocolException Malformed(string why) => new($"the HTTP response is malformed: {why}.", rawReply: null);

    private static MiProtocolException TooLarge() => new($"the HTTP reply is over {MaxReplyBytes} bytes; stopped reading.", rawReply: null);

}
