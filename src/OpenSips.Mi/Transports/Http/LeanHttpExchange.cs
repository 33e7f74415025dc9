using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// mi_http and mi_xmlrpc_ng over plain http without <see cref="HttpClient"/>: each request is one write of a pre-built
/// head and the body, the status line and Content-Length are read straight from the socket, connections are kept alive
/// and opened only when no idle one is free (so never more than the calls in flight). Replies are read by a
/// <see cref="Reactor"/> like mi_datagram's, so a steady stream of calls costs one wake-up each.
/// </summary>
/// <remarks>
/// httpd's non-200 answers carry a chunked body that never ends: the status decides, the connection is closed and the
/// body never read. A kept-alive connection that httpd closed while idle is noticed as soon as it happens (the reactor
/// watches idle connections too) and, if a request raced with that close and got no byte back, the request is sent once
/// more on a new connection (httpd did not run it). A new connection is opened on the calling thread, bounded by the
/// call's timeout.
/// </remarks>
internal sealed class LeanHttpExchange : IMiExchange, IReactorWork, IPendingCallOwner
{
    private readonly byte[] _head;
    private readonly string _host;
    private readonly int _port;
    private readonly long _idleTicks;
    private readonly Reactor _reactor;
    private readonly FdPoller _poller = new();
    private readonly DeadlineSweep _sweep = new();
    private readonly Lock _lock = new();
    private readonly Stack<LeanHttpConnection> _idle = new();
    private readonly List<LeanHttpConnection> _open = [];
    private readonly PolledSet<LeanHttpConnection> _set;
    private readonly Action<LeanHttpConnection, Reactor> _read;
    private int _busy;
    private volatile bool _disposed;

    private LeanHttpExchange(HttpOptions options, string contentType)
    {
        Name = options.TransportName;
        Endpoint = options.ToUriString();
        MaxRequestBytes = options.MaxRequestBodyBytes;
        _host = options.Url.IdnHost;
        _port = options.Url.Port;
        _idleTicks = (long)(options.PooledConnectionIdleTimeout.TotalSeconds * Stopwatch.Frequency);
        var head = new StringBuilder()
            .Append("POST ").Append(options.Url.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(options.Url.Authority).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (options.BasicAuth is { } credentials)
        {
            head.Append("Authorization: Basic ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.UserName + ":" + credentials.Password))).Append("\r\n");
        }

        foreach (var (name, value) in options.Headers ?? new Dictionary<string, string>())
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ");
        _head = Encoding.UTF8.GetBytes(head.ToString());
        _reactor = new Reactor(this, "mi_http rx");
        _set = new PolledSet<LeanHttpConnection>(_poller, () => _disposed);
        _read = Read;
    }

    public string Name { get; }

    public string Endpoint { get; }

    // httpd's ~16 KB ceiling is refused before sending; its receive_buf_size is a server setting we cannot see, so a 400
    // or a -32700 on a large body is explained instead.
    public int MaxRequestBytes { get; }

    public string RequestLimitAdvice => HttpStatusErrors.BodyLimitAdvice;

    public bool ExplainsParseErrors => true;

    public string? TimeoutHint => null;

    /// <summary>Connections open now (for tests).</summary>
    internal int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    bool IReactorWork.HasWork => Volatile.Read(ref _busy) > 0;

    /// <summary>Plain http on Linux without an injected client or handler, unless <see cref="HttpOptions.UseHttpClient"/>.</summary>
    public static bool Supports(HttpOptions options) =>
        OperatingSystem.IsLinux() && options.Url.Scheme == Uri.UriSchemeHttp && options.HttpClient is null
        && options.HttpMessageHandler is null && !options.UseHttpClient;

    public static LeanHttpExchange Create(HttpOptions options, string contentType) => new(options, contentType);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 0; ; attempt++)
        {
            var connection = Take(request.Deadline, fresh: attempt > 0);
            try
            {
                return await Start(connection, request, cancellationToken).ConfigureAwait(false);
            }
            catch (LeanHttpClosedBeforeReplyException) when (attempt == 0 && !cancellationToken.IsCancellationRequested)
            {
                // httpd closes an idle kept-alive connection without answering and did not run the command: once more, anew.
            }
            catch (LeanHttpClosedBeforeReplyException ex)
            {
                throw new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection without a complete reply, twice: {HttpStatusErrors.ClosedTwiceHint(request.Bytes.Length)}", ex);
            }
        }
    }

    private ValueTask<MiReplyBuffer> Start(LeanHttpConnection connection, MiExchangeRequest request, CancellationToken cancellationToken)
    {
        var call = connection.Call;
        connection.Response.Reset();
        connection.RequestBytes = request.Bytes.Length;
        connection.Reusable = false;
        long generation;
        lock (_lock)
        {
            generation = call.Arm(request.Id);
            connection.Busy = generation;
            _busy++;
        }

        _sweep.Add(call, request.Deadline);
        call.WatchCancellation(cancellationToken);
        _reactor.EnsureStarted();
        var error = Send(connection, request.Bytes.Span);
        if (error != SocketError.Success)
        {
            call.TryFail(generation, connection.Reused
                ? new LeanHttpClosedBeforeReplyException()
                : new MiTransportException($"cannot send to OpenSIPS MI at {Endpoint}: {error}", new SocketException((int)error)));
        }

        return call.Task;
    }

    /// <summary>The whole request in one write: head, Content-Length, blank line, body.</summary>
    private SocketError Send(LeanHttpConnection connection, ReadOnlySpan<byte> body)
    {
        var size = _head.Length + 10 + 4 + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            _head.CopyTo(buffer, 0);
            var at = _head.Length;
            Utf8Formatter.TryFormat(body.Length, buffer.AsSpan(at), out var digits);
            at += digits;
            "\r\n\r\n"u8.CopyTo(buffer.AsSpan(at));
            at += 4;
            body.CopyTo(buffer.AsSpan(at));
            at += body.Length;
            var sent = 0;
            while (sent < at)
            {
                var count = connection.Socket.Send(buffer.AsSpan(sent, at - sent), SocketFlags.None, out var error);
                if (error != SocketError.Success)
                {
                    return error;
                }

                sent += count;
            }

            return SocketError.Success;
        }
        catch (ObjectDisposedException)
        {
            return SocketError.Shutdown;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>An idle kept-alive connection, or a new one.</summary>
    private LeanHttpConnection Take(long deadline, bool fresh)
    {
        if (!fresh && TakeIdle() is { } idle)
        {
            return idle;
        }

        var socket = Connect(deadline);
        var connection = new LeanHttpConnection(socket, new PendingCall(this));
        lock (_lock)
        {
            if (!_disposed)
            {
                connection.Busy = LeanHttpConnection.Reserved;
                _open.Add(connection);
                WatchOpenLocked();
                return connection;
            }
        }

        connection.Dispose();
        throw new ObjectDisposedException(nameof(MiClient));
    }

    private LeanHttpConnection? TakeIdle()
    {
        List<LeanHttpConnection>? stale = null;
        LeanHttpConnection? taken = null;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            while (_idle.TryPop(out var idle))
            {
                if (idle.Forgotten)
                {
                    continue;
                }

                if (now - idle.IdleSince > _idleTicks)
                {
                    // Idle for longer than httpd may keep it (conn_timeout): do not risk it.
                    ForgetLocked(idle);
                    (stale ??= []).Add(idle);
                    continue;
                }

                taken = idle;
                taken.Busy = LeanHttpConnection.Reserved;
                break;
            }
        }

        foreach (var connection in stale ?? [])
        {
            connection.Dispose();
        }

        return taken;
    }

    private Socket Connect(long deadline)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(_host, out var literal) ? [literal] : Dns.GetHostAddresses(_host);
        }
        catch (SocketException ex)
        {
            throw new MiTransportException($"cannot reach OpenSIPS MI at {Endpoint}: the host name does not resolve", ex);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
            try
            {
                try
                {
                    socket.Connect(new IPEndPoint(address, _port));
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (remaining <= TimeSpan.Zero || !socket.Poll((int)Math.Min(remaining.TotalMicroseconds, int.MaxValue), SelectMode.SelectWrite))
                    {
                        socket.Dispose();
                        throw new MiExchangeTimeoutException($"could not even connect to {Endpoint} within the timeout");
                    }

                    if (socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is int error && error != 0)
                    {
                        throw new SocketException(error);
                    }
                }

                socket.Blocking = true;
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        var what = last?.SocketErrorCode == SocketError.ConnectionRefused
            ? "connection refused (is httpd loaded and listening there, with mi_http/mi_xmlrpc_ng?)"
            : $"connection failed: {last?.Message ?? "no address"}";
        throw new MiTransportException($"cannot reach OpenSIPS MI at {Endpoint}: {what}", last);
    }

    void IPendingCallOwner.Recycle(PendingCall call)
    {
        var connection = (LeanHttpConnection)call.Context!;
        _sweep.Remove(call);
        lock (_lock)
        {
            connection.Busy = 0;
            _busy--;
            if (connection.Reusable && !_disposed && !connection.Forgotten)
            {
                connection.Reused = true;
                connection.IdleSince = Stopwatch.GetTimestamp();
                _idle.Push(connection);
                return;
            }

            // A timed-out, cancelled or failed call may still get bytes later: its connection is never reused.
            ForgetLocked(connection);
        }

        connection.Dispose();
    }

    /// <summary>Stops watching a connection; the caller closes it outside the lock.</summary>
    private void ForgetLocked(LeanHttpConnection connection)
    {
        connection.Forgotten = true;
        if (_open.Remove(connection))
        {
            WatchOpenLocked();
        }
    }

    private void WatchOpenLocked() => _set.Publish([.. _open], static c => c.Socket.SafeHandle, _reactor);

    bool IReactorWork.WaitCold() => _set.WaitCold();

    bool IReactorWork.ProcessHot(Reactor reactor) => _set.ProcessHot(reactor, _read);

    private void Read(LeanHttpConnection connection, Reactor reactor)
    {
        long generation;
        lock (_lock)
        {
            generation = connection.Busy;
            if (generation == LeanHttpConnection.Reserved)
            {
                // Taken for a call that has not sent yet: whatever is there (httpd's idle close) is read once it has.
                return;
            }

            if (generation == 0)
            {
                // An idle connection became readable: httpd closed it (or sent something unasked). Either way it is done.
                ForgetLocked(connection);
            }
        }

        if (generation == 0)
        {
            connection.Dispose();
            return;
        }

        var call = connection.Call;
        bool complete;
        try
        {
            var count = connection.Socket.Receive(connection.Response.FreeSpace(), SocketFlags.None, out var error);
            if (error != SocketError.Success)
            {
                call.TryFail(generation, Closed(connection, error.ToString()));
                return;
            }

            complete = connection.Response.Advance(count);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (EndOfStreamException)
        {
            call.TryFail(generation, Closed(connection, "end of stream"));
            return;
        }
        catch (MiProtocolException ex)
        {
            call.TryFail(generation, new MiProtocolException($"OpenSIPS {Name} at {Endpoint} sent a reply that is not valid HTTP: {ex.Message}", rawReply: null, ex));
            return;
        }

        if (!complete)
        {
            return;
        }

        var response = connection.Response;
        if (response.Status != 200)
        {
            // Do not read the body: httpd's chunked body for these statuses never ends.
            call.TryFail(generation, HttpStatusErrors.ToException(Name, Endpoint, response.Status, response.Reason, connection.RequestBytes));
            return;
        }

        connection.Reusable = !response.CloseAfter;
        var body = response.TakeBody();
        var inline = reactor.TryEnterUserCode();
        var delivered = call.TryComplete(generation, body, inline);
        if (inline)
        {
            reactor.ExitUserCode();
        }

        if (!delivered)
        {
            body.Release();
        }
    }

    private Exception Closed(LeanHttpConnection connection, string how) =>
        connection.Response.Started
            ? new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection in the middle of a reply ({how}).")
            : connection.Reused
                ? new LeanHttpClosedBeforeReplyException()
                : new MiTransportException($"OpenSIPS {Name} at {Endpoint} closed the connection without replying ({how}): {HttpStatusErrors.ClosedWithoutReplyHint(connection.RequestBytes)}");

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        List<(PendingCall Call, long Generation)> busy = [];
        lock (_lock)
        {
            foreach (var connection in _open)
            {
                if (connection.Busy > 0)
                {
                    busy.Add((connection.Call, connection.Busy));
                }
            }
        }

        foreach (var (call, generation) in busy)
        {
            call.TryFail(generation, new ObjectDisposedException(nameof(MiClient), "The MI client was disposed while this call was waiting for its reply."));
        }

        _reactor.Dispose();
        _poller.Wake();
        lock (_lock)
        {
            foreach (var connection in _open)
            {
                connection.Dispose();
            }

            _open.Clear();
            _idle.Clear();
        }

        _sweep.Dispose();
        _poller.Dispose();
        return ValueTask.CompletedTask;
    }
}
