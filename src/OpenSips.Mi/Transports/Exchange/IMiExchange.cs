namespace OpenSips.Mi;

/// <summary>
/// What the client sees of every transport: one request in, its reply out. Each exchange owns its sockets, FIFOs or HTTP
/// connections, its limits and its timeout hint, enforces the call's deadline and is disposed once, by the client.
/// </summary>
internal interface IMiExchange : IAsyncDisposable
{
    /// <summary>The MI module, for messages: <c>mi_datagram</c>, <c>mi_http</c>, <c>mi_xmlrpc_ng</c>, <c>mi_fifo</c>.</summary>
    string Name { get; }

    /// <summary>The endpoint as a URI, for messages and logs (never with credentials).</summary>
    string Endpoint { get; }

    /// <summary>The largest encoded request the endpoint accepts.</summary>
    int MaxRequestBytes { get; }

    /// <summary>What to do when a request is over <see cref="MaxRequestBytes"/>.</summary>
    string RequestLimitAdvice { get; }

    /// <summary>
    /// True when a -32700 Parse error to a request the client encoded means the server read only part of it (mi_http:
    /// a body over httpd's <c>receive_buf_size</c>); the client then throws an explanation instead of returning the error.
    /// </summary>
    bool ExplainsParseErrors { get; }

    /// <summary>Why there may have been no reply, for the timeout message; <see langword="null"/> when nothing useful can be said.</summary>
    string? TimeoutHint { get; }

    /// <summary>
    /// Sends one request and returns its whole reply, which the caller releases once decoded. Ends by the request's
    /// deadline with <see cref="MiExchangeTimeoutException"/>, on cancellation with <see cref="OperationCanceledException"/>,
    /// or with a <see cref="MiException"/>.
    /// </summary>
    ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest request, CancellationToken cancellationToken);
}

/// <summary>One encoded request: its bytes, its JSON-RPC id (0 for codecs without ids) and its deadline (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
internal readonly record struct MiExchangeRequest(ReadOnlyMemory<byte> Bytes, int Id, long Deadline);

/// <summary>
/// A reply's bytes, possibly in an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> that the receiving
/// side handed over instead of copying. <see cref="Release"/> returns it; a reply that is never released is left to the GC.
/// </summary>
internal readonly struct MiReplyBuffer
{
    private readonly byte[]? _rented;
    private readonly ReadOnlyMemory<byte> _bytes;

    private MiReplyBuffer(byte[]? rented, ReadOnlyMemory<byte> bytes)
    {
        _rented = rented;
        _bytes = bytes;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>A reply in a rented array: the first <paramref name="length"/> bytes.</summary>
    public static MiReplyBuffer Rented(byte[] array, int length) => new(array, array.AsMemory(0, length));

    /// <summary>A reply in a rented array, starting at <paramref name="start"/> (after HTTP headers, say).</summary>
    public static MiReplyBuffer Rented(byte[] array, int start, int length) => new(array, array.AsMemory(start, length));

    /// <summary>A reply the caller owns outright (nothing to return).</summary>
    public static MiReplyBuffer Owned(ReadOnlyMemory<byte> bytes) => new(null, bytes);

    public void Release()
    {
        if (_rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}

/// <summary>The call's deadline passed; the client turns this into a <see cref="MiTimeoutException"/> naming the command.</summary>
internal sealed class MiExchangeTimeoutException : Exception
{
    public MiExchangeTimeoutException()
    {
    }

    public MiExchangeTimeoutException(string? hint)
        : base(hint ?? "deadline passed")
    {
        Hint = hint;
    }

    public MiExchangeTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What this call in particular may have met (for example an unattributable plain-text reply); overrides the exchange's general hint.</summary>
    public string? Hint { get; }
}
