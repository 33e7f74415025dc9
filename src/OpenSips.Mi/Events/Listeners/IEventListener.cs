using System.Net;

namespace OpenSips.Mi;

/// <summary>Where a listener hands what it receives; implementations must be thread-safe.</summary>
internal interface IEventSink
{
    /// <summary>One JSON payload (a datagram, or one object cut from a stream); the memory is only valid during the call.</summary>
    void OnPayload(ReadOnlyMemory<byte> payload, string source);

    /// <summary>Bytes that cannot be an event (stream junk, an empty datagram).</summary>
    void OnMalformed(string source, string reason);

    /// <summary>A datagram or connection from an address that is not the MI server's; ignored.</summary>
    void OnRejected(string source);

    /// <summary>The listener stopped working (its socket failed); nothing more will arrive.</summary>
    void OnFailed(Exception exception);
}

/// <summary>A socket that OpenSIPS's event_datagram or event_stream sends to; it knows nothing about MI commands.</summary>
internal interface IEventListener : IAsyncDisposable
{
    /// <summary>The address the socket is really bound to (port resolved when 0 was asked).</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>Starts receiving.</summary>
    void Start(IEventSink sink);
}

/// <summary>Decides whether a sender may deliver events (null accepts everyone).</summary>
internal sealed class SourceFilter
{
    private readonly IPAddress[]? _allowed;

    public SourceFilter(IReadOnlyCollection<IPAddress>? allowed)
    {
        _allowed = allowed is { Count: > 0 } ? allowed.Select(Normalize).ToArray() : null;
    }

    public bool IsEnabled => _allowed is not null;

    public bool Accepts(IPAddress address) => _allowed is null || _allowed.Contains(Normalize(address));

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
