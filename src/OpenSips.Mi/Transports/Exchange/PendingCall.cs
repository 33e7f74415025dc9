using System.Threading.Tasks.Sources;

namespace OpenSips.Mi;

/// <summary>
/// A call waiting for its reply, as a reusable <see cref="IValueTaskSource{TResult}"/>: one object serves call after
/// call. Every use has its own generation, and each completion names the generation it is meant for, so a reply, an
/// expiry or a cancellation that races with the end of one use can never complete the next one.
/// </summary>
internal sealed class PendingCall : DeadlineEntry, IValueTaskSource<MiReplyBuffer>
{
    private readonly IPendingCallOwner _owner;
    private ManualResetValueTaskSourceCore<MiReplyBuffer> _core;

    // generation << 1 | 1 once completed.
    private long _state;
    private CancellationTokenRegistration _cancellation;

    public PendingCall(IPendingCallOwner owner)
    {
        _owner = owner;
    }

    /// <summary>The request id this use waits for.</summary>
    public int Id { get; private set; }

    /// <summary>What the owner ties to this use: the socket a datagram went out on, the HTTP connection it uses.</summary>
    public object? Context { get; set; }

    /// <summary>True once this use's reply was taken off the wire, whether or not it still reached the caller (guarded by the owner's lock).</summary>
    public bool ReplyReceived { get; set; }

    /// <summary>Text of an unattributable reply that may have been this call's (shown in its timeout message).</summary>
    public string? Hint { get; set; }

    internal override long Generation => Volatile.Read(ref _state) >> 1;

    public ValueTask<MiReplyBuffer> Task => new(this, _core.Version);

    /// <summary>Starts a new use; returns its generation.</summary>
    public long Arm(int id)
    {
        _core.Reset();
        Id = id;
        Hint = null;
        ReplyReceived = false;
        var generation = (_state >> 1) + 1;
        Volatile.Write(ref _state, generation << 1);
        return generation;
    }

    /// <summary>Lets the caller's token cancel this use (only when it can be cancelled: no registration otherwise).</summary>
    public void WatchCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var call = (PendingCall)state!;
                    call.TryFail(call.Generation, new OperationCanceledException(token));
                },
                this);
        }
    }

    /// <summary>Hands the reply to the waiting caller; <paramref name="inline"/> runs its continuation on this thread.</summary>
    /// <returns>False when this generation already ended (timed out, cancelled) or was never this one.</returns>
    public bool TryComplete(long generation, MiReplyBuffer reply, bool inline)
    {
        if (!TryEnd(generation))
        {
            return false;
        }

        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(reply);
        return true;
    }

    /// <summary>Ends this generation with an error; the continuation never runs on the failing thread.</summary>
    public bool TryFail(long generation, Exception error)
    {
        if (!TryEnd(generation))
        {
            return false;
        }

        _core.RunContinuationsAsynchronously = true;
        _core.SetException(error);
        return true;
    }

    /// <summary>True while this generation waits for its outcome.</summary>
    public bool IsLive(long generation) => Volatile.Read(ref _state) == generation << 1;

    private bool TryEnd(long generation) =>
        Interlocked.CompareExchange(ref _state, (generation << 1) | 1, generation << 1) == generation << 1;

    internal override void Expire(long generation) =>
        TryFail(generation, new MiExchangeTimeoutException(Hint is null ? null : $"OpenSIPS sent '{Hint}' while several calls were in flight, so it could not be matched to this one"));

    public MiReplyBuffer GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // The awaiter reads the result exactly once: the use is over, the object goes back to its owner's pool.
            _cancellation.Dispose();
            _cancellation = default;
            _owner.Recycle(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>Where a <see cref="PendingCall"/> goes back once its caller has read the outcome.</summary>
internal interface IPendingCallOwner
{
    void Recycle(PendingCall call);
}
