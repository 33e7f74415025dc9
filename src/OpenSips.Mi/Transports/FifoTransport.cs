namespace OpenSips.Mi;

/// <summary>mi_fifo (facts 34-37). Placeholder until the transport lands.</summary>
internal sealed class FifoTransport : IExchangeTransport
{
    private FifoTransport(FifoOptions options)
    {
        Endpoint = options.ToUriString();
    }

    public string Name => "mi_fifo";

    public string Endpoint { get; }

    public int MaxRequestBytes => FifoOptions.MaxRequestBytes;

    public string RequestLimitAdvice => "use mi_datagram or mi_http for large requests";

    public static FifoTransport Create(FifoOptions options) => new(options);

    public Task<ReadOnlyMemory<byte>> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("mi_fifo is not supported yet.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
