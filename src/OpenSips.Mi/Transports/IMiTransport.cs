namespace OpenSips.Mi;

/// <summary>Moves bytes to and from one OpenSIPS MI endpoint; knows nothing of JSON or XML.</summary>
internal interface IMiTransport : IAsyncDisposable
{
    /// <summary>The MI module, for messages: <c>mi_datagram</c>, <c>mi_http</c>, <c>mi_xmlrpc_ng</c>, <c>mi_fifo</c>.</summary>
    string Name { get; }

    /// <summary>The endpoint as a URI, for messages and logs (never with credentials).</summary>
    string Endpoint { get; }

    /// <summary>The largest encoded request the endpoint accepts.</summary>
    int MaxRequestBytes { get; }

    /// <summary>What to do when a request is over <see cref="MaxRequestBytes"/>.</summary>
    string RequestLimitAdvice { get; }
}

/// <summary>A transport where each request gets its own reply channel (HTTP, FIFO).</summary>
internal interface IExchangeTransport : IMiTransport
{
    /// <summary>Sends one request and returns its whole reply; cancellation ends every wait.</summary>
    Task<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken);
}

/// <summary>A transport where all requests share one socket and replies are matched by id (mi_datagram).</summary>
internal interface IDatagramTransport : IMiTransport
{
    /// <summary>Sends one datagram.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken);

    /// <summary>Receives one datagram from the server into <paramref name="buffer"/> and returns its length.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
