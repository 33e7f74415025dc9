using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>
/// mi_datagram: many calls share a socket and replies are matched to calls by the id the codec reads from them, so a
/// late, duplicate or foreign reply is dropped (and logged), never handed to another call. Calls wait on pooled value-task
/// sources keyed by id, deadlines are kept by one <see cref="DeadlineSweep"/>, and replies are received by a
/// <see cref="Reactor"/> into rented buffers that are handed to the caller instead of copied.
/// </summary>
/// <remarks>
/// A unix client spreads its calls over "lanes" (<see cref="DatagramLanes"/>): at most as many calls per socket as that
/// socket can queue replies, more sockets on demand, and beyond that the calls wait in order, each until its deadline.
/// </remarks>
internal sealed class DatagramExchange : IMiExchange, IReactorWork, IPendingCallOwner
{
    // The largest UDP payload; mi_datagram replies are at most 65456 bytes.
    private const int ReceiveBufferBytes = 65536;
    private const int PooledCalls = 256;

    private readonly DatagramLanes _lanes;
    private readonly DatagramChannel _first;
    private readonly IReplyIdReader _ids;
    private readonly ILogger _logger;
    private readonly Reactor _reactor;
    private readonly FdPoller? _poller;
    private readonly DeadlineSweep _sweep = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<int, PendingCall> _pending = [];
    private readonly Stack<PendingCall> _free = new();
    private readonly List<DatagramChannel> _open = [];
    private readonly Queue<TaskCompletionSource<DatagramChannel>> _waiters = new();
    private readonly DatagramSendQueue _deferred = new();
    private Watched _watched;
    private List<DatagramChannel>? _closing;
    private int _inFlight;
    private int _largestReply;
    private byte[]? _receiveBuffer;
    private volatile bool _disposed;

    public DatagramExchange(DatagramLanes lanes, IReplyIdReader ids, ILogger logger)
    {
        _lanes = lanes;
        _ids = ids;
        _logger = logger;
        _first = lanes.Open();
        _open.Add(_first);
        _watched = new Watched([_first], [_first.Socket.SafeHandle]);
        // Bounded sockets (unix) are watched through a poller, so that one can be replaced or added; UDP waits on its one socket.
        _poller = lanes.MaxSockets > 1 || lanes.PerSocket < int.MaxValue ? new FdPoller() : null;
        _reactor = new Reactor(this, "mi_datagram rx");
    }

    public string Name => "mi_datagram";

    public string Endpoint => _first.Endpoint;

    public int MaxRequestBytes => DatagramOptions.MaxRequestBytes;

    public string RequestLimitAdvice => _first.RequestLimitAdvice;

    public bool ExplainsParseErrors => false;

    public string? TimeoutHint => _first.TimeoutHint;

    /// <summary>Calls waiting for a reply (for tests).</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The sockets open now (for tests).</summary>
    internal IReadOnlyList<DatagramChannel> Sockets => Volatile.Read(ref _watched).Channels;

    internal Reactor Reactor => _reactor;

    bool IReactorWork.HasWork => _pending.Count > 0;

    public ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Start(request, granted: null, cancellationToken);
    }

    private ValueTask<MiReplyBuffer> Start(MiExchangeRequest request, DatagramChannel? granted, CancellationToken cancellationToken)
    {
        PendingCall call;
        long generation;
        DatagramChannel lane;
        lock (_lock)
        {
            if (granted is null)
            {
                if (TakeLaneLocked() is not { } free)
                {
                    var waiter = new TaskCompletionSource<DatagramChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiters.Enqueue(waiter);
                    return WaitForLaneAsync(waiter, request, cancellationToken);
                }

                lane = free;
            }
            else
            {
                lane = granted;
            }

            call = _free.TryPop(out var pooled) ? pooled : new PendingCall(this);
            generation = call.Arm(request.Id);
            if (!_pending.TryAdd(request.Id, call))
            {
                _free.Push(call);
                ReleaseLaneLocked(lane);
                throw new InvalidOperationException($"Request id {request.Id} is already in flight.");
            }

            call.Context = lane;
        }

        if (_closing is not null)
        {
            CloseRetired();
        }

        // From here on the call ends through its value task: every failure completes it, and reading the outcome recycles it.
        _sweep.Add(call, request.Deadline);
        call.WatchCancellation(cancellationToken);
        _reactor.EnsureStarted();
        var error = _deferred.IsBacklogged ? SocketError.WouldBlock : lane.Send(request.Bytes.Span);
        if (error == SocketError.WouldBlock)
        {
            // OpenSIPS's own queue is full (its socket holds only so many requests): send when it has room, in order.
            _deferred.Enqueue(call, generation, lane, request.Bytes.Span);
        }
        else if (error != SocketError.Success)
        {
            call.TryFail(generation, new MiTransportException(lane.Describe(error), new SocketException((int)error)));
        }

        return call.Task;
    }

    /// <summary>A socket with a free slot (opening another one when allowed), or <see langword="null"/>; keeps arrival order.</summary>
    private DatagramChannel? TakeLaneLocked()
    {
        if (_waiters.Count > 0 || _inFlight >= CapLocked())
        {
            return null;
        }

        var lane = FreeLaneLocked(prefer: null);
        if (lane is not null)
        {
            lane.InFlight++;
            _inFlight++;
        }

        return lane;
    }

    /// <summary>
    /// A socket with room for one more reply in its queue (<paramref name="prefer"/> first), else a new one when allowed,
    /// else <see langword="null"/>. A socket's room counts the calls in flight on it and the replies still owed to calls
    /// that ended without them (timed out, cancelled): such a reply may yet arrive and take a place in the queue. When
    /// every socket is taken and one has no call in flight but still waits for owed replies that may never come, it is
    /// replaced by a fresh socket (a late reply to the old one is then refused by the kernel).
    /// </summary>
    private DatagramChannel? FreeLaneLocked(DatagramChannel? prefer)
    {
        if (prefer is not null && _open.Contains(prefer) && prefer.InFlight + prefer.Owed < _lanes.PerSocket)
        {
            return prefer;
        }

        DatagramChannel? stale = null;
        foreach (var lane in _open)
        {
            if (lane.InFlight + lane.Owed < _lanes.PerSocket)
            {
                return lane;
            }

            if (lane.InFlight == 0 && lane.Owed > 0)
            {
                stale = lane;
            }
        }

        if (_open.Count >= _lanes.MaxSockets)
        {
            if (stale is null)
            {
                return null;
            }

            _open.Remove(stale);
            (_closing ??= []).Add(stale);
        }

        var opened = _lanes.Open();
        _open.Add(opened);
        WatchOpenLanesLocked();
        return opened;
    }

    /// <summary>How many calls may be in flight so that their replies, as large as the largest recent one, fit in the budget.</summary>
    private int CapLocked() =>
        _lanes.ReplyBudgetBytes == 0 ? int.MaxValue : (int)Math.Clamp(_lanes.ReplyBudgetBytes / (_largestReply + 1024L), 1, int.MaxValue);

    private void WatchOpenLanesLocked()
    {
        Volatile.Write(ref _watched, new Watched([.. _open], [.. _open.Select(c => (SafeHandle)c.Socket.SafeHandle)]));
        // Full fence: the set must be visible before we read whether a leader (which re-reads it) is active.
        Interlocked.MemoryBarrier();
        if (!_reactor.HasLeader)
        {
            _poller?.Wake();
        }
    }

    /// <summary>Frees a slot: the first caller still waiting takes it over; a surplus socket that fell idle is closed.</summary>
    private void ReleaseLaneLocked(DatagramChannel lane)
    {
        lane.InFlight--;
        _inFlight--;
        ServeWaitersLocked(lane);
    }

    /// <summary>Hands free room to the callers waiting for it, in order (on <paramref name="lane"/> first); then closes the surplus sockets that are idle.</summary>
    private void ServeWaitersLocked(DatagramChannel lane)
    {
        while (_waiters.Count > 0 && _inFlight < CapLocked() && FreeLaneLocked(prefer: lane) is { } free)
        {
            var waiter = _waiters.Dequeue();
            free.InFlight++;
            _inFlight++;
            if (waiter.TrySetResult(free))
            {
                return;
            }

            free.InFlight--;
            _inFlight--;
        }

        if (_disposed || _open.Count == 1)
        {
            return;
        }

        // The burst is over for a surplus socket once it is idle, nothing more is owed to it and the others have room to
        // spare. Every open socket is looked at, not only the one just released: a socket that fell idle while the others
        // were still busy is retired when they free up.
        var retired = false;
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            var idle = _open[i];
            if (idle.InFlight == 0 && idle.Owed == 0 && !ReferenceEquals(idle, _first)
                && SpareSlotsLocked(idle) >= Math.Max(1, _lanes.PerSocket / 2))
            {
                _open.RemoveAt(i);
                (_closing ??= []).Add(idle);
                retired = true;
            }
        }

        if (retired)
        {
            WatchOpenLanesLocked();
        }
    }

    /// <summary>Closes the sockets <see cref="ReleaseLaneLocked"/> retired, outside the lock (a close waits for the poller to let go).</summary>
    private void CloseRetired()
    {
        List<DatagramChannel>? closing;
        lock (_lock)
        {
            closing = _closing;
            _closing = null;
        }

        foreach (var lane in closing ?? [])
        {
            lane.Dispose();
        }
    }

    private long SpareSlotsLocked(DatagramChannel except)
    {
        long spare = 0;
        foreach (var open in _open)
        {
            if (!ReferenceEquals(open, except))
            {
                spare += _lanes.PerSocket - open.InFlight - open.Owed;
            }
        }

        return spare;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MiReplyBuffer> WaitForLaneAsync(TaskCompletionSource<DatagramChannel> waiter, MiExchangeRequest request, CancellationToken cancellationToken)
    {
        DatagramChannel lane;
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), request.Deadline);
        try
        {
            lane = await waiter.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Give up the place in the queue, or the slot when it was handed over at that very moment.
            if (!waiter.TrySetCanceled(CancellationToken.None))
            {
                lock (_lock)
                {
                    ReleaseLaneLocked(waiter.Task.Result);
                }
            }

            if (ex is TimeoutException)
            {
                throw new MiExchangeTimeoutException(_lanes.FullHint);
            }

            throw;
        }

        return await Start(request, lane, cancellationToken).ConfigureAwait(false);
    }

    void IPendingCallOwner.Recycle(PendingCall call)
    {
        _sweep.Remove(call);
        lock (_lock)
        {
            if (_pending.TryGetValue(call.Id, out var current) && ReferenceEquals(current, call))
            {
                _pending.Remove(call.Id);
            }

            if (call.Context is DatagramChannel lane)
            {
                call.Context = null;
                if (!call.ReplyReceived && _poller is not null)
                {
                    // Ended without its reply, which OpenSIPS may still send: it keeps its place in the socket's queue.
                    lane.Owed++;
                }

                ReleaseLaneLocked(lane);
            }

            if (_free.Count < PooledCalls)
            {
                _free.Push(call);
            }
        }

        if (_closing is not null)
        {
            CloseRetired();
        }
    }

    bool IReactorWork.WaitCold()
    {
        if (_poller is null)
        {
            _first.Socket.Poll(-1, SelectMode.SelectRead);
            return !_disposed;
        }

        Span<bool> ready = stackalloc bool[_lanes.MaxSockets];
        while (!_disposed)
        {
            try
            {
                if (_poller.Wait(Volatile.Read(ref _watched).Handles, ready, Timeout.Infinite, wakeable: true) > 0)
                {
                    return !_disposed;
                }
            }
            catch (ObjectDisposedException) when (!_disposed)
            {
                // A surplus socket was closed between reading the set and waiting: read it again.
            }
        }

        return false;
    }

    bool IReactorWork.ProcessHot(Reactor reactor)
    {
        if (_poller is null)
        {
            return ReceiveOne(_first, reactor);
        }

        var watched = Volatile.Read(ref _watched);
        Span<bool> ready = stackalloc bool[watched.Handles.Length];
        try
        {
            if (_poller.Wait(watched.Handles, ready, Reactor.HotWindowMilliseconds, wakeable: false) == 0)
            {
                return false;
            }
        }
        catch (ObjectDisposedException) when (!_disposed)
        {
            return true;
        }

        for (var i = 0; i < watched.Handles.Length; i++)
        {
            if (ready[i])
            {
                ReceiveOne(watched.Channels[i], reactor);
            }
        }

        return true;
    }

    /// <summary>Receives one datagram (waiting at most the hot window) and hands it to its call.</summary>
    private bool ReceiveOne(DatagramChannel lane, Reactor reactor)
    {
        var buffer = Interlocked.Exchange(ref _receiveBuffer, null) ?? ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        int length;
        SocketError error;
        try
        {
            length = lane.Socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException) when (!_disposed)
        {
            // A surplus socket closed under us; its calls had all ended.
            KeepBuffer(buffer);
            return false;
        }

        if (error != SocketError.Success)
        {
            KeepBuffer(buffer);
            if (error is SocketError.WouldBlock or SocketError.TimedOut || _disposed)
            {
                return false;
            }

            // An ICMP error (port unreachable) surfaces here: every call in flight went to a closed port.
            FailAll(new MiTransportException(lane.Describe(error), new SocketException((int)error)));
            return true;
        }

        Dispatch(lane, buffer, length, reactor);
        return true;
    }

    private void Dispatch(DatagramChannel lane, byte[] buffer, int length, Reactor reactor)
    {
        var datagram = buffer.AsSpan(0, length);
        PendingCall? call = null;
        long generation = 0;
        var hasId = _ids.TryReadReplyId(datagram, out var id);
        lock (_lock)
        {
            // The largest recent reply, forgetting slowly (1/64 per reply) so that one large reply does not cap forever.
            _largestReply = Math.Max(length, _largestReply - (_largestReply >> 6));

            if (hasId)
            {
                // Only the socket the request went out on may answer it.
                if (_pending.TryGetValue(id, out var waiting) && ReferenceEquals(waiting.Context, lane))
                {
                    _pending.Remove(id);
                    waiting.ReplyReceived = true;
                    call = waiting;
                    generation = waiting.Generation;
                }
                else if (lane.Owed > 0)
                {
                    // A reply owed to a call that already ended: its place in the queue is free again.
                    lane.Owed--;
                    ServeWaitersLocked(lane);
                }
            }
            else if (_pending.Count == 1)
            {
                // A plain-text error or an id-less error carries no id. With one call in flight it can only be that call's.
                foreach (var only in _pending.Values)
                {
                    if (ReferenceEquals(only.Context, lane))
                    {
                        only.ReplyReceived = true;
                        call = only;
                        generation = only.Generation;
                    }
                }
            }
        }

        if (_closing is not null)
        {
            CloseRetired();
        }

        if (call is not null)
        {
            var inline = reactor.TryEnterUserCode();
            var delivered = call.TryComplete(generation, MiReplyBuffer.Rented(buffer, length), inline);
            if (inline)
            {
                reactor.ExitUserCode();
            }

            if (delivered)
            {
                return;
            }
        }

        if (hasId)
        {
            Log.LateReplyDropped(_logger, lane.Endpoint, id, length);
        }
        else if (call is null)
        {
            // With several calls in flight, handing it to any of them could be wrong: each is told it may have been theirs.
            var text = System.Text.Encoding.UTF8.GetString(datagram[..Math.Min(length, 80)]);
            int count;
            lock (_lock)
            {
                count = _pending.Count;
                foreach (var pending in _pending.Values)
                {
                    pending.Hint = text;
                }
            }

            Log.UnattributedReply(_logger, lane.Endpoint, count, text);
        }

        KeepBuffer(buffer);
    }

    private void KeepBuffer(byte[] buffer)
    {
        if (Interlocked.Exchange(ref _receiveBuffer, buffer) is { } displaced)
        {
            ArrayPool<byte>.Shared.Return(displaced);
        }
    }

    private void FailAll(Exception error)
    {
        List<(PendingCall Call, long Generation)> calls;
        lock (_lock)
        {
            calls = new List<(PendingCall, long)>(_pending.Count);
            foreach (var call in _pending.Values)
            {
                calls.Add((call, call.Generation));
            }
        }

        foreach (var (call, generation) in calls)
        {
            call.TryFail(generation, error);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        FailAll(new ObjectDisposedException(nameof(MiClient), "The MI client was disposed while this call was waiting for its reply."));
        List<TaskCompletionSource<DatagramChannel>> waiters;
        lock (_lock)
        {
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(MiClient), "The MI client was disposed while this call was waiting for a free socket."));
        }

        _reactor.Dispose();
        _deferred.Dispose();
        _poller?.Wake();
        lock (_lock)
        {
            foreach (var lane in _open)
            {
                lane.Dispose();
            }
        }

        _sweep.Dispose();
        _poller?.Dispose();
        if (Interlocked.Exchange(ref _receiveBuffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The sockets the receiver watches, replaced as a whole when one is added.</summary>
    private sealed record Watched(DatagramChannel[] Channels, SafeHandle[] Handles);
}
