using System.Buffers;

namespace OpenSips.Mi;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>: a request is encoded into
/// it and sent, and the array goes back to the pool, so a call allocates no request buffer of its own.
/// </summary>
/// <remarks>Return the array with <see cref="Dispose"/> only once nothing can read <see cref="WrittenMemory"/> any more.</remarks>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;

    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialSize = MinimumSize)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, MinimumSize));
    }

    // One spare writer per thread: a call rents it on the thread it starts on and returns it wherever it ends.
    [ThreadStatic]
    private static PooledBufferWriter? t_spare;

    public int WrittenCount => _written;

    /// <summary>A writer with a fresh pooled array, reusing this thread's spare writer object when there is one.</summary>
    public static PooledBufferWriter Rent()
    {
        var writer = t_spare;
        if (writer is null)
        {
            return new PooledBufferWriter();
        }

        t_spare = null;
        writer._buffer = ArrayPool<byte>.Shared.Rent(MinimumSize);
        return writer;
    }

    /// <summary>Returns the array to the pool and keeps the writer object as this thread's spare.</summary>
    public static void Return(PooledBufferWriter writer)
    {
        writer.Dispose();
        t_spare ??= writer;
    }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_written + needed));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    /// <summary>Hands the written bytes over in their rented array (released by the receiver) and leaves the writer empty.</summary>
    public MiReplyBuffer Detach()
    {
        var reply = MiReplyBuffer.Rented(_buffer, 0, _written);
        _buffer = [];
        _written = 0;
        Return(this);
        return reply;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        if (buffer.Length != 0)
        {
            _buffer = [];
            _written = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
