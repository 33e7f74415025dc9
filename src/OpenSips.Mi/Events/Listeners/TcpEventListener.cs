using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// event_stream: OpenSIPS connects to us and writes notifications back-to-back with no delimiter on a persistent
/// connection (docs/wire-facts.md#ev-stream); each connection gets its own <see cref="JsonObjectSplitter"/>. Connections from addresses the
/// <see cref="SourceFilter"/> refuses are closed at once.
/// </summary>
internal sealed class TcpEventListener : IEventListener
{
    private readonly Socket _listener;
    private readonly SourceFilter _filter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Socket Socket, Task Task)> _connections = [];
    private Task _accept = Task.CompletedTask;

    private TcpEventListener(Socket listener, SourceFilter filter)
    {
        _listener = listener;
        _filter = filter;
        LocalEndPoint = listener.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    public static TcpEventListener Bind(IPEndPoint bind, SourceFilter filter)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(bind);
            socket.Listen(16);
            return new TcpEventListener(socket, filter);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MiTransportException($"Could not bind the TCP event listener to {bind}: {ex.Message}", ex);
        }
    }

    public void Start(IEventSink sink) => _accept = Task.Run(() => AcceptLoopAsync(sink));

    private async Task AcceptLoopAsync(IEventSink sink)
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
                    sink.OnFailed(new MiTransportException($"The event listener on {LocalEndPoint} failed: {ex.Message}", ex));
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

    private async Task ReadLoopAsync(Socket connection, string source, IEventSink sink)
    {
        var splitter = new JsonObjectSplitter();
        var buffer = new byte[16384];
        var junkSeen = 0;
        try
        {
            while (true)
            {
                var n = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                splitter.Feed(buffer.AsSpan(0, n), payload => sink.OnPayload(payload, source));
                for (; junkSeen < splitter.JunkCount; junkSeen++)
                {
                    sink.OnMalformed(source, "bytes between objects that are not JSON, or an object over 1 MiB");
                }
            }

            if (splitter.HasPartialObject)
            {
                sink.OnMalformed(source, "the connection closed in the middle of an object");
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
