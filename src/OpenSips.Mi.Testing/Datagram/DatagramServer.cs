using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>
/// mi_datagram: one JSON-RPC request per datagram, the reply sent to the sender (docs/wire-facts.md#datagram). Each datagram is handled on its own task
/// so async commands answer out of order like OpenSIPS. Replies are sent as OpenSIPS sends them: once, without waiting;
/// on a unix socket a reply that finds the client's receive queue full (<c>net.unix.max_dgram_qlen</c> datagrams) is
/// dropped and counted in <see cref="RepliesDropped"/>.
/// </summary>
internal sealed class DatagramServer : IAsyncDisposable
{
    public const int MaxRequestBytes = 65457;
    public const int MaxReplyBytes = 65456;

    private readonly Socket _socket;
    private readonly Socket _replySocket;
    private readonly string _transport;
    private readonly EmulatorHost _host;
    private readonly ILogger _logger;
    private readonly EndPoint _template;
    private Task _loop = Task.CompletedTask;
    private int _repliesDropped;

    public DatagramServer(Socket socket, Socket replySocket, string transport, EndPoint template, EmulatorHost host)
    {
        _socket = socket;
        _replySocket = replySocket;
        _transport = transport;
        _template = template;
        _host = host;
        _logger = host.LoggerFactory.CreateLogger<DatagramServer>();
    }

    /// <summary>Replies that could not be sent at once and were dropped, as OpenSIPS drops them.</summary>
    public int RepliesDropped => Volatile.Read(ref _repliesDropped);

    public void Start() => _loop = Task.Run(ReceiveLoopAsync);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_host.Stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _template, _host.Stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (SocketException ex)
            {
                Log.LoopFailed(_logger, _transport, ex);
                return;
            }

            var bytes = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            var from = received.RemoteEndPoint;
            _host.Track(() => HandleAsync(bytes, from));
        }
    }

    private async Task HandleAsync(byte[] bytes, EndPoint from)
    {
        var request = _host.NewRequest(_transport, bytes);
        if (bytes.Length == 0)
        {
            return;
        }

        var reply = await BuildReplyAsync(request, bytes).ConfigureAwait(false);
        Log.Request(_logger, _transport, request);
        if (reply is null || !CanReplyTo(from))
        {
            return;
        }

        var plan = _host.Faults.PlanFor(request);
        if (plan.Drop)
        {
            return;
        }

        if (plan.Delay > TimeSpan.Zero)
        {
            await Task.Delay(plan.Delay, _host.Time, _host.Stopping).ConfigureAwait(false);
        }

        if (plan.Reorder)
        {
            await _host.Faults.HoldUntilNextReplyAsync(_transport, plan.ReorderHold, _host.Time, _host.Stopping).ConfigureAwait(false);
        }

        var payload = plan.Transform(reply);
        SendOnce(payload, from);
        if (plan.Duplicate)
        {
            SendOnce(payload, from);
        }

        if (!plan.Reorder)
        {
            _host.Faults.ReplySent(_transport);
        }
    }

    /// <summary>
    /// One non-blocking send, like mi_datagram's <c>sendto</c> on its non-blocking reply socket: a reply the kernel will not
    /// take at once (a unix client's queue is full) is dropped, never retried; any other error (an unbound unix client) is
    /// logged and the reply forgotten, as OpenSIPS logs "failed to send the response".
    /// </summary>
    private void SendOnce(ReadOnlyMemory<byte> payload, EndPoint to)
    {
        try
        {
            _replySocket.SendTo(payload.Span, SocketFlags.None, to);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            Interlocked.Increment(ref _repliesDropped);
            Log.ReplyDropped(_logger, _transport, payload.Length);
        }
        catch (SocketException ex)
        {
            // An unbound UNIX client: OpenSIPS logs "failed to send the response" and moves on (docs/wire-facts.md#dg-unix).
            Log.SendFailed(_logger, _transport, ex);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<byte[]?> BuildReplyAsync(MiEmulatorRequest request, byte[] bytes)
    {
        if (bytes.Length > MaxRequestBytes)
        {
            return MiFault.ParseErrorText.ToArray();
        }

        var tree = MiCore.Parse(request, out var parsed);
        if (!parsed)
        {
            return MiFault.ParseErrorText.ToArray();
        }

        var result = await _host.Core.DispatchJsonAsync(request, tree, _host.Stopping).ConfigureAwait(false);
        switch (result.Kind)
        {
            case DispatchKind.Reply:
                var json = JsonRpcWriter.Write(result.Reply!, result.Id);
                return DatagramReplyLimit.Fits(json) ? json : MiFault.InternalErrorText.ToArray();
            case DispatchKind.InternalError:
                return MiFault.InternalErrorText.ToArray();
            case DispatchKind.ParseError:
                return MiFault.ParseErrorText.ToArray();
            default:
                return null;
        }
    }

    private static bool CanReplyTo(EndPoint from) =>
        from is not UnixDomainSocketEndPoint unix || !string.IsNullOrEmpty(unix.ToString());

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!ReferenceEquals(_socket, _replySocket))
        {
            _replySocket.Dispose();
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutdown.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
