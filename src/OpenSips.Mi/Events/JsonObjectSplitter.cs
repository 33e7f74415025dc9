namespace OpenSips.Mi;

/// <summary>
/// Splits a byte stream of back-to-back JSON objects with no delimiter (event_stream writes <c>…}{…</c>, docs/wire-facts.md#ev-stream) into
/// one buffer per top-level object. It scans bytes, not characters: in UTF-8 every byte of a multi-byte sequence is
/// ≥ 0x80, so the structural bytes <c>{ } [ ] " \</c> are never part of one. Strings (with escaped quotes and
/// backslashes) are skipped, so braces inside them do not count. Input may be split at any byte boundary.
/// Bytes between objects that are neither whitespace nor <c>{</c> are junk: skipped, counted once per run.
/// </summary>
internal sealed class JsonObjectSplitter : IStreamFramer
{
    private readonly int _maxObjectBytes;
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _inJunk;

    /// <param name="maxObjectBytes">An object longer than this is discarded (counted as junk) and scanning resumes at the next top-level <c>{</c>.</param>
    public JsonObjectSplitter(int maxObjectBytes = 1024 * 1024)
    {
        _maxObjectBytes = maxObjectBytes;
    }

    /// <summary>Runs of junk bytes or oversized objects discarded so far.</summary>
    public int JunkCount { get; private set; }

    /// <summary>Whether an object has started and not yet ended (the connection closing now would cut it).</summary>
    public bool HasPartialObject => _depth > 0;

    /// <summary>Feeds bytes; calls <paramref name="onObject"/> with every complete top-level object (the memory is only valid during the call).</summary>
    /// <param name="data">The next bytes of the stream.</param>
    /// <param name="onObject">Receives each object's bytes.</param>
    public void Feed(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>> onObject)
    {
        ArgumentNullException.ThrowIfNull(onObject);
        foreach (var b in data)
        {
            if (_depth == 0)
            {
                if (b == (byte)'{')
                {
                    _inJunk = false;
                    _depth = 1;
                    _length = 0;
                    Append(b);
                }
                else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') && !_inJunk)
                {
                    _inJunk = true;
                    JunkCount++;
                }

                continue;
            }

            Append(b);
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    _escaped = true;
                }
                else if (b == (byte)'"')
                {
                    _inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                _inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                _depth++;
            }
            else if (b is (byte)'}' or (byte)']')
            {
                _depth--;
                if (_depth == 0)
                {
                    onObject(_buffer.AsMemory(0, _length));
                    _length = 0;
                }
            }

            if (_length > _maxObjectBytes)
            {
                // Give up on this object: whatever follows is junk until a top-level '{'.
                Reset();
                _inJunk = true;
                JunkCount++;
            }
        }
    }

    /// <inheritdoc/>
    public void Feed(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>> onFrame, Action<string> onMalformed)
    {
        ArgumentNullException.ThrowIfNull(onMalformed);
        var junk = JunkCount;
        Feed(data, onFrame);
        for (; junk < JunkCount; junk++)
        {
            onMalformed("bytes between objects that are not JSON, or an object over 1 MiB");
        }
    }

    /// <inheritdoc/>
    public string? End()
    {
        var cut = HasPartialObject;
        Reset();
        return cut ? "the connection closed in the middle of an object" : null;
    }

    /// <summary>Forgets a partial object (the connection ended).</summary>
    public void Reset()
    {
        _depth = 0;
        _length = 0;
        _inString = false;
        _escaped = false;
        _inJunk = false;
    }

    private void Append(byte b)
    {
        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _buffer[_length++] = b;
    }
}
