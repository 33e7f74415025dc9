using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace OpenSips.Mi;

/// <summary>
/// The buffer between a listener and the reader of a subscription (events, traces): bounded, and when it is full the
/// OLDEST item is dropped and counted, so the listener never blocks and OpenSIPS never waits. It also keeps the counters
/// a subscription reports (received, dropped, malformed, rejected). Thread-safe.
/// </summary>
/// <typeparam name="T">What is buffered.</typeparam>
internal sealed class BoundedFeed<T>
{
    private readonly Channel<T> _channel;
    private readonly Action<long>? _onDropped;
    private long _received;
    private long _dropped;
    private long _malformed;
    private long _rejected;

    /// <param name="capacity">How many items wait for the reader.</param>
    /// <param name="onDropped">Called with the running drop count after each drop (for a log line now and then).</param>
    public BoundedFeed(int capacity, Action<long>? onDropped)
    {
        _onDropped = onDropped;
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = false, SingleReader = false },
            _ => Dropped());
    }

    public long ReceivedCount => Interlocked.Read(ref _received);

    public long DroppedCount => Interlocked.Read(ref _dropped);

    public long MalformedCount => Interlocked.Read(ref _malformed);

    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Counts and buffers one item (dropping the oldest when full); ignored after <see cref="Complete"/>.</summary>
    public void Write(T item)
    {
        Interlocked.Increment(ref _received);
        _channel.Writer.TryWrite(item);
    }

    public void CountMalformed() => Interlocked.Increment(ref _malformed);

    public void CountRejected() => Interlocked.Increment(ref _rejected);

    /// <summary>Ends the stream: normally (null), or with the error the reader then sees.</summary>
    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

    public bool TryRead([MaybeNullWhen(false)] out T item) => _channel.Reader.TryRead(out item);

    private void Dropped()
    {
        var count = Interlocked.Increment(ref _dropped);
        _onDropped?.Invoke(count);
    }
}
