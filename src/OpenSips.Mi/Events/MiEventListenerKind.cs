namespace OpenSips.Mi;

/// <summary>How OpenSIPS delivers events to a <see cref="MiSubscription"/>.</summary>
public enum MiEventListenerKind
{
    /// <summary>event_datagram over UDP (<c>udp:host:port</c>): one JSON-RPC notification per datagram.</summary>
    Udp,

    /// <summary>event_stream over TCP (<c>tcp:host:port[/method]</c>): OpenSIPS connects to us and writes notifications back-to-back.</summary>
    Tcp,

    /// <summary>event_datagram over a unix datagram socket (<c>unix:/path</c>).</summary>
    UnixDatagram,
}
