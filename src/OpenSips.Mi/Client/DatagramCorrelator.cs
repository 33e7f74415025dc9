using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>
/// Lets many calls share one datagram socket: a single receive loop hands each reply to the call whose id it carries,
/// and drops (and logs) late, duplicate and foreign replies, so no caller ever gets another call's answer.
/// </summary>
internal sealed class DatagramCorrelator : IAsyncDisposable
{
    // The largest UDP payload; mi_datagram replies are at most 65456 bytes.
    private const int ReceiveBufferBytes = 65536;

    private readonly IDatagramTransport _transport;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _receiveLoop;

    public DatagramCorrelator(IDatagramTransport transport, ILogger logger)
    {
        _transport = transport;
        _logger = logger;
    }

    public int PendingCount => _pending.Count;

    public async Task<ReadOnlyMemory<byte>> CallAsync(int id, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        EnsureReceiving();
        var pending = new Pending();
        if (!_pending.TryAdd(id, pending))
        {
            throw new InvalidOperationException($"Request id {id} is already in flight.");
        }

        try
        {
            await using (cancellationToken.UnsafeRegister(static (state, token) => ((Pending)state!).TrySetCanceled(token), pending).ConfigureAwait(false))
            {
                try
                {
                    await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    throw new MiTransportException(DescribeSocketError(ex), ex);
                }

                return await pending.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (pending.UnattributedReply is { } hint && !_stop.IsCancellationRequested)
        {
            throw new MiPendingHintException(hint);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void EnsureReceiving()
    {
        if (_receiveLoop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _receiveLoop ??= Task.Run(ReceiveLoopAsync);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int length;
                try
                {
                    length = await _transport.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    // An ICMP error (port unreachable) surfaces here: every call in flight went to a closed port.
                    FailAll(new MiTransportException(DescribeSocketError(ex), ex));
                    continue;
                }

                Dispatch(buffer.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> datagram)
    {
        if (JsonRpcCodec.TryReadId(datagram, out var id))
        {
            if (_pending.TryGetValue(id, out var pending) && pending.TrySetResult(datagram.ToArray()))
            {
                return;
            }

            Log.LateReplyDropped(_logger, _transport.Endpoint, id, datagram.Length);
            return;
        }

        // A plain-text error or an id-less error carries no id. With one call in flight it can only be that call's;
        // with several, handing it to any of them could be wrong, so each is told it may have been theirs.
        var snapshot = _pending.ToArray();
        if (snapshot.Length == 1)
        {
            snapshot[0].Value.TrySetResult(datagram.ToArray());
            return;
        }

        var text = System.Text.Encoding.UTF8.GetString(datagram[..Math.Min(datagram.Length, 80)]);
        foreach (var entry in snapshot)
        {
            entry.Value.UnattributedReply = text;
        }

        Log.UnattributedReply(_logger, _transport.Endpoint, snapshot.Length, text);
    }

    private void FailAll(Exception error)
    {
        foreach (var entry in _pending)
        {
            entry.Value.TrySetException(error);
        }
    }

    private string DescribeSocketError(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"cannot reach OpenSIPS MI at {_transport.Endpoint}: connection refused (is mi_datagram loaded and listening there?)",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"cannot reach OpenSIPS MI at {_transport.Endpoint}: unreachable ({ex.SocketErrorCode})",
        SocketError.MessageSize => $"the datagram is too large for {_transport.Endpoint}",
        _ => $"socket error talking to OpenSIPS MI at {_transport.Endpoint}: {ex.SocketErrorCode}",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        FailAll(new ObjectDisposedException(nameof(MiClient), "The MI client was disposed while this call was waiting for its reply."));
        if (_receiveLoop is { } loop)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private sealed class Pending : TaskCompletionSource<ReadOnlyMemory<byte>>
    {
        public Pending()
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
        }

        public string? UnattributedReply { get; set; }
    }
}

/// <summary>Carries the text of an unattributable reply to the timeout message.</summary>
internal sealed class MiPendingHintException(string hint) : OperationCanceledException(hint)
{
    public string Hint { get; } = hint;
}
