namespace OpenSips.Mi;

/// <summary>How a subscription logs what its listener could not deliver.</summary>
/// <param name="Malformed">Source, byte count (0 when unknown) and reason of a payload that was skipped.</param>
/// <param name="Rejected">Source of a sender that is not allowed.</param>
/// <param name="Failed">The error that ended the listener.</param>
internal sealed record FeedLog(Action<string, int, string> Malformed, Action<string> Rejected, Action<Exception> Failed);

/// <summary>
/// What a listener calls for a subscription (events, traces): payloads go to the subscription's parser, the rest is
/// counted in its <see cref="BoundedFeed{T}"/> and logged, and a failed listener ends the feed with its error. Thread-safe.
/// </summary>
internal sealed class FeedSink<T>(BoundedFeed<T> feed, Action<ReadOnlyMemory<byte>, string> onPayload, FeedLog log) : IListenerSink
{
    public void OnPayload(ReadOnlyMemory<byte> payload, string source) => onPayload(payload, source);

    public void OnMalformed(string source, string reason)
    {
        feed.CountMalformed();
        log.Malformed(source, 0, reason);
    }

    public void OnRejected(string source)
    {
        feed.CountRejected();
        log.Rejected(source);
    }

    public void OnFailed(Exception exception)
    {
        log.Failed(exception);
        feed.Complete(exception);
    }
}
