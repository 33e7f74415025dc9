using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>
/// Where and how to reach an OpenSIPS MI endpoint. One derived record per transport: <see cref="DatagramOptions"/>,
/// <see cref="UnixDatagramOptions"/>, <see cref="HttpOptions"/>, <see cref="XmlRpcOptions"/> and <see cref="FifoOptions"/>;
/// <see cref="Parse(string)"/> builds the right one from a URI.
/// </summary>
public abstract record MiConnectionOptions
{
    /// <summary>The default timeout of a call: 5 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a call waits for its reply unless the call gives its own timeout. Must be positive.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Where the client logs; nothing is logged when <see langword="null"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The MI module this transport talks to (<c>mi_datagram</c>, <c>mi_http</c>, <c>mi_xmlrpc_ng</c>, <c>mi_fifo</c>).</summary>
    public abstract string TransportName { get; }

    /// <summary>The endpoint as a URI in the form <see cref="Parse(string)"/> accepts.</summary>
    /// <returns>The URI text (never contains a password).</returns>
    public abstract string ToUriString();

    /// <summary>Checks every field and throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    public virtual void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Timeout must be a positive duration, not {Timeout}: every call needs a bound.", nameof(Timeout));
        }
    }

    /// <summary>
    /// Builds the options for a URI: <c>udp://host:port</c>, <c>unix:///path/to/socket</c>, <c>http://host:8888/mi</c>,
    /// <c>https://…</c>, <c>xmlrpc+http://host:8888/RPC2</c>, <c>xmlrpc+https://…</c> or <c>fifo:///tmp/opensips_fifo</c>.
    /// </summary>
    /// <param name="uri">The endpoint.</param>
    /// <returns>The options for that transport, with the default timeout.</returns>
    /// <exception cref="ArgumentException">The URI is relative, has an unknown scheme, or misses a host, port or path.</exception>
    public static MiConnectionOptions Parse(string uri) => MiUriParser.Parse(uri);

    /// <summary>The transport and endpoint; never credentials (sealed so derived records cannot print secrets).</summary>
    /// <returns>For example <c>mi_http http://127.0.0.1:8888/mi</c>.</returns>
    public sealed override string ToString() => $"{TransportName} {ToUriString()}";
}
