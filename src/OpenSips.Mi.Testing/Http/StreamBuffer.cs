namespace OpenSips.Mi.Testing;

/// <summary>A read buffer over a connection stream: HTTP heads, lines and fixed-size bodies.</summary>
internal sealed class StreamBuffer
{
    private readonly Stream _stream;
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public StreamBuffer(Stream stream) => _stream = stream;

    public int Buffered => _end - _start;

    /// <summary>Reads up to and including CRLFCRLF; null on EOF or when the head exceeds <paramref name="limit"/>.</summary>
    public async Task<byte[]?> ReadHeadAsync(int limit, CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var at = span[Math.Max(0, scanned - 3)..].IndexOf("\r\n\r\n"u8);
            if (at >= 0)
            {
                var length = Math.Max(0, scanned - 3) + at + 4;
                var head = span[..length].ToArray();
                _start += length;
                return head;
            }

            scanned = span.Length;
            if (scanned > limit || !await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var at = span.IndexOf("\r\n"u8);
            if (at >= 0)
            {
                var line = System.Text.Encoding.ASCII.GetString(span[..at]);
                _start += at + 2;
                return line;
            }

            if (span.Length > 1024 || !await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    public async Task<byte[]?> ReadExactAsync(int count, CancellationToken ct)
    {
        while (_end - _start < count)
        {
            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }

        var bytes = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return bytes;
    }

    /// <summary>Waits for any byte (true) or EOF (false), without consuming it.</summary>
    public async Task<bool> WaitForDataAsync(CancellationToken ct) =>
        _end > _start || await FillAsync(ct).ConfigureAwait(false);

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }
}
