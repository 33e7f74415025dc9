using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// A TCP listener OpenSIPS connects to and writes frames on, back to back, on a persistent connection: event_stream
/// (JSON-RPC notifications with no delimiter, docs/wire-facts.md#ev-stream) and proto_hep over TCP (HEP packets). Each
/// connection gets its own <see cref="IStreamFramer"/>. Connections from addresses the <see cref="SourceFilter"/>
/// refuses are closed at once.
/// </summary>
internal sealed class StreamListener : IListener
{
    private readonly Socket _listener;
    private readonly SourceFilter _filter;
    private readonly Func<IStreamFramer> _newFramer;
    private readonly string _what;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Socket Socket, Task Task)> _connections = [];
    private Task _accept = Task.CompletedTask;

    private StreamListener(Socket listener, SourceFilter filter, Func<IStreamFramer> newFramer, string what)
    {
        _newFramer = newFramer;
        _what = what;
        _listener = listener;
        _filter = filter;
        LocalEndPoint = listener.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    /// <param name="bind">The address to bind.</param>
    /// <param name="filter">Who may connect.</param>
    /// <param name="newFramer">Makes the framer of a new connection.</param>
    /// <param name="what">Names the listener in errors, e.g. <c>event</c> or <c>HEP</c>.</param>
    public static StreamListener Bind(IPEndPoint bind, SourceFilter filter, Func<IStreamFramer> newFramer, string what)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(bind);
            socket.Listen(16);
            return new StreamListener(socket, filter, newFramer, what);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MiTransportException($"Could not bind the TCP {what} listener to {bind}: {ex.Message}", ex);
        }
    }

    public void Start(IListenerSink sink) => _accept = Task.Run(() => AcceptLoopAsync(sink));

    private async Task AcceptLoopAsync(IListenerSink sink)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (SocketException ex)
            {
                if (!_stop.IsCancellationRequested)
                {
                    sink.OnFailed(new MiTransportException($"The {_what} listener on {LocalEndPoint} failed: {ex.Message}", ex));
                }

                return;
            }

            var remote = (IPEndPoint)connection.RemoteEndPoint!;
            var source = "tcp:" + EventSocketAddress.FormatHostPort(remote.Address.ToString(), remote.Port);
            if (!_filter.Accepts(remote.Address))
            {
                sink.OnRejected(source);
                connection.Dispose();
                continue;
            }

            lock (_gate)
            {
                _connections.RemoveAll(c => c.Task.IsCompleted);
                _connections.Add((connection, Task.Run(() => ReadLoopAsync(connection, source, sink))));
            }
        }
    }

    private async Task ReadLoopAsync(Socket connection, string source, IListenerSink sink)
    {
        var framer = _newFramer();
        var buffer = new byte[16384];
        Action<ReadOnlyMemory<byte>> onFrame = payload => sink.OnPayload(payload, source);
        Action<string> onMalformed = reason => sink.OnMalformed(source, reason);
        try
        {
            while (true)
            {
                var n = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                framer.Feed(buffer.AsSpan(0, n), onFrame, onMalformed);
            }

            if (framer.End() is { } cut)
            {
                sink.OnMalformed(source, cut);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            // OpenSIPS dropped the connection; it reconnects for the next event.
        }
        finally
        {
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] tasks;
        lock (_gate)
        {
            foreach (var c in _connections)
            {
                c.Socket.Dispose();
            }

            tasks = [.. _connections.Select(c => c.Task), _accept];
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
