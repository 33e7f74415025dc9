using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// The socket of a mi_datagram client (UDP or unix) and what differs between the two: how a request is sent, what a
/// socket error means, and what to suggest when no reply comes. The socket stays blocking and is only used with
/// synchronous calls, so it is never registered with the runtime's socket engine (every datagram would otherwise wake
/// that engine's thread as well as ours); receive waits are bounded by <see cref="Reactor.HotWindowMilliseconds"/>.
/// </summary>
internal abstract class DatagramChannel : IDisposable
{
    protected DatagramChannel(Socket socket, string endpoint)
    {
        Socket = socket;
        Endpoint = endpoint;
        Socket.ReceiveTimeout = Reactor.HotWindowMilliseconds;
    }

    public Socket Socket { get; }

    /// <summary>Calls in flight on this socket (guarded by the exchange's lock).</summary>
    internal int InFlight;

    /// <summary>
    /// Replies still owed to calls that ended without them (timed out, cancelled): OpenSIPS may yet send them, and each
    /// would take a place in this socket's queue (guarded by the exchange's lock; unix sockets only).
    /// </summary>
    internal int Owed;

    public string Endpoint { get; }

    public abstract string TimeoutHint { get; }

    public abstract string RequestLimitAdvice { get; }


    /// <summary>Sends one datagram without blocking; <see cref="SocketError.WouldBlock"/> means "not now, try again shortly".</summary>
    public abstract SocketError Send(ReadOnlySpan<byte> datagram);

    /// <summary>Sends one datagram, waiting up to the socket's send timeout for the server to make room.</summary>
    public virtual SocketError SendWaiting(ReadOnlySpan<byte> datagram) => Send(datagram);

    public virtual string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => $"cannot reach OpenSIPS MI at {Endpoint}: connection refused (is mi_datagram loaded and listening there?)",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"cannot reach OpenSIPS MI at {Endpoint}: unreachable ({error})",
        SocketError.MessageSize => $"the datagram is too large for {Endpoint}",
        _ => $"socket error talking to OpenSIPS MI at {Endpoint}: {error}",
    };

    public virtual void Dispose() => Socket.Dispose();
}
