using System.Net;

namespace OpenSips.Mi;

/// <summary>Where a listener hands what it receives; implementations must be thread-safe.</summary>
internal interface IListenerSink
{
    /// <summary>One payload (a datagram, or one frame cut from a stream); the memory is only valid during the call.</summary>
    void OnPayload(ReadOnlyMemory<byte> payload, string source);

    /// <summary>Bytes that cannot be a payload (stream junk, an empty datagram, a frame cut by a closing connection).</summary>
    void OnMalformed(string source, string reason);

    /// <summary>A datagram or connection from an address that is not allowed; ignored.</summary>
    void OnRejected(string source);

    /// <summary>The listener stopped working (its socket failed); nothing more will arrive.</summary>
    void OnFailed(Exception exception);
}

/// <summary>
/// A socket OpenSIPS sends to (event_datagram, event_stream, proto_hep); it knows nothing about MI commands nor about
/// what the payloads mean.
/// </summary>
internal interface IListener : IAsyncDisposable
{
    /// <summary>The address the socket is really bound to (port resolved when 0 was asked).</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>Starts receiving.</summary>
    void Start(IListenerSink sink);
}

/// <summary>Cuts a byte stream into frames; one instance per connection, fed from one thread.</summary>
internal interface IStreamFramer
{
    /// <summary>
    /// Feeds the next bytes (a stream may be cut at any byte). Calls <paramref name="onFrame"/> with each complete frame
    /// (the memory is only valid during the call) and <paramref name="onMalformed"/> once per run of bytes it discarded.
    /// </summary>
    void Feed(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>> onFrame, Action<string> onMalformed);

    /// <summary>The connection ended: why the bytes still buffered are lost (a cut frame), or null when none are.</summary>
    string? End();
}

/// <summary>Decides whether a sender may deliver (null accepts everyone).</summary>
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
