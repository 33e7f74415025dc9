using System.Diagnostics;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// One keep-alive TCP connection of a <see cref="LeanHttpExchange"/>, carrying one call at a time (httpd does not
/// pipeline). The socket stays blocking and synchronous (never registered with the runtime's socket engine); the
/// exchange's reactor tells when a response has bytes to read.
/// </summary>
internal sealed class LeanHttpConnection : IDisposable
{
    private int _disposed;

    public LeanHttpConnection(Socket socket, PendingCall call)
    {
        Socket = socket;
        Call = call;
        call.Context = this;
    }

    public Socket Socket { get; }

    /// <summary>The call this connection carries (one object, reused call after call).</summary>
    public PendingCall Call { get; }

    public HttpResponseReader Response { get; } = new();

    /// <summary><see cref="Busy"/> of a connection taken for a call that has not sent its request yet.</summary>
    public const long Reserved = -1;

    /// <summary>The generation of <see cref="Call"/> while a request is out, <see cref="Reserved"/> just before, 0 when idle.</summary>
    public long Busy { get; set; }

    /// <summary>True when the connection carried a call before this one (a close without a reply may be httpd's idle close).</summary>
    public bool Reused { get; set; }

    /// <summary>The size of the request being answered, for status messages.</summary>
    public int RequestBytes { get; set; }

    /// <summary>When it went idle (a <see cref="Stopwatch"/> timestamp).</summary>
    public long IdleSince { get; set; }

    /// <summary>True once the response to the current call has been read completely and the connection may be reused.</summary>
    public bool Reusable { get; set; }

    /// <summary>No longer watched by the reactor and about to be closed (guarded by the exchange's lock).</summary>
    public bool Forgotten { get; set; }

    /// <summary>
    /// Closes the socket gracefully (FIN). Without the shutdown, .NET closes a TCP socket that another thread still
    /// references (the reactor's poll) abortively, with a reset. The response reader's rented buffers are left to the GC
    /// rather than returned: the reactor may still be reading into them at this moment.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }

            Socket.Dispose();
        }
    }
}

/// <summary>The server closed a kept-alive connection before any byte of the reply: safe to send once more on a new one.</summary>
internal sealed class LeanHttpClosedBeforeReplyException : Exception
{
    public LeanHttpClosedBeforeReplyException()
        : base("the server closed the connection before replying")
    {
    }

    public LeanHttpClosedBeforeReplyException(string message)
        : base(message)
    {
    }

    public LeanHttpClosedBeforeReplyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
