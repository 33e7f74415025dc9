using System.Buffers.Binary;

namespace OpenSips.Mi.Trace;

/// <summary>
/// Cuts the TCP byte stream proto_hep writes (HEP3 packets back to back, no delimiter) into packets by their total
/// length field, whatever the cut points of the reads are. Bytes that cannot start a packet are junk: skipped up to the
/// next <c>HEP3</c>/<c>EEP3</c> id and reported once per run; a header whose length is below 6 is reported and skipped.
/// The frames it hands out are checked by <see cref="HepDecoder"/>.
/// </summary>
internal sealed class HepStreamFramer : IStreamFramer
{
    // Grows to at most one packet (the length field is 16 bits) plus one read.
    private byte[] _buffer = new byte[8192];
    private int _length;
    private bool _inJunk;

    /// <inheritdoc/>
    public void Feed(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>> onFrame, Action<string> onMalformed)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        ArgumentNullException.ThrowIfNull(onMalformed);
        Append(data);
        var start = 0;
        while (start < _length)
        {
            var available = _length - start;
            var head = _buffer.AsSpan(start, Math.Min(available, 4));
            if (!IsIdPrefix(head))
            {
                if (!_inJunk)
                {
                    _inJunk = true;
                    onMalformed(HepDecoder.LooksLikeVersion12(_buffer.AsSpan(start, available))
                        ? HepDecoder.Version12Reason
                        : "bytes that do not start a HEP3 packet (skipped up to the next HEP3 id)");
                }

                start = NextCandidate(start + 1);
                continue;
            }

            if (available < HepChunk.HeaderSize)
            {
                break;
            }

            int total = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(start + 4));
            if (total < HepChunk.HeaderSize)
            {
                if (!_inJunk)
                {
                    _inJunk = true;
                    onMalformed($"a HEP3 header whose total length {total} is below 6 (skipped up to the next HEP3 id)");
                }

                start = NextCandidate(start + 1);
                continue;
            }

            if (available < total)
            {
                break;
            }

            _inJunk = false;
            onFrame(_buffer.AsMemory(start, total));
            start += total;
        }

        // Keep what is left (a packet not complete yet, or the start of an id) at the front.
        _length -= start;
        if (_length > 0 && start > 0)
        {
            Buffer.BlockCopy(_buffer, start, _buffer, 0, _length);
        }
    }

    /// <inheritdoc/>
    public string? End()
    {
        var cut = _length > 0 && IsIdPrefix(_buffer.AsSpan(0, Math.Min(_length, 4)));
        _length = 0;
        _inJunk = false;
        return cut ? "the connection closed in the middle of a HEP3 packet" : null;
    }

    private static bool IsIdPrefix(ReadOnlySpan<byte> head)
    {
        ReadOnlySpan<byte> rest = "EP3"u8;
        if (head.Length == 0 || head[0] is not ((byte)'H' or (byte)'E'))
        {
            return false;
        }

        return head[1..].SequenceEqual(rest[..(head.Length - 1)]);
    }

    /// <summary>The first index from <paramref name="from"/> where an id (or the start of one, at the end) begins; <c>_length</c> when none.</summary>
    private int NextCandidate(int from)
    {
        for (var i = from; i < _length; i++)
        {
            if (IsIdPrefix(_buffer.AsSpan(i, Math.Min(_length - i, 4))))
            {
                return i;
            }
        }

        return _length;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }
}
