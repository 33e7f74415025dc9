using System.Diagnostics;

namespace OpenSips.Mi;

/// <summary>
/// The receive side of an exchange: leader/follower over a thread of its own.
/// </summary>
/// <remarks>
/// <para>
/// Cold, a dedicated thread blocks until a reply may be ready and hands the receiving role to a thread-pool thread, the
/// leader, without running any caller's code itself. The leader reads the reply and completes its call inline: the
/// caller's continuation runs right there, as after any <c>await</c>, and when it starts the next call that call's reply
/// is read by the same thread. While calls are in flight the leader keeps receiving, waiting at most
/// <see cref="HotWindowMilliseconds"/> for each reply; a steady stream of calls thus costs one wake-up per reply, as a
/// raw blocking client does, instead of a socket-engine thread plus a thread-pool hand-off. When nothing is in flight, or
/// nothing arrived within the window, the leader gives the role back to the dedicated thread and returns to the pool.
/// </para>
/// <para>
/// A continuation that blocks (a synchronous wait, long CPU work) would hold up every other reply of the client. The
/// dedicated thread watches for that while it is parked: a leader that has been inside a continuation for more than
/// <see cref="StallMilliseconds"/> while calls wait is demoted, and receiving resumes on the dedicated thread (and a new
/// leader). No caller's code ever runs on the dedicated thread.
/// </para>
/// </remarks>
internal sealed class Reactor : IDisposable
{
    /// <summary>How long a leader waits for the next reply before returning its thread to the pool.</summary>
    public const int HotWindowMilliseconds = 10;

    /// <summary>How long a continuation may hold the leader's thread while other calls wait before receiving moves on.</summary>
    public const int StallMilliseconds = 50;

    // _state: generation in the high bits, then InUserCode, then Leader.
    private const long Leader = 1;
    private const long InUserCode = 2;
    private const long GenerationUnit = 4;
    private const long FlagMask = Leader | InUserCode;


    private readonly IReactorWork _work;
    private readonly string _threadName;
    private readonly Lock _startLock = new();
    private readonly ManualResetEventSlim _parked = new(false, spinCount: 0);
    private long _state;
    private long _userCodeEntries;
    private long _entriesSeenByWatchdog = -1;
    private Thread? _thread;
    private volatile bool _stopped;

    public Reactor(IReactorWork work, string threadName)
    {
        _work = work;
        _threadName = threadName;
    }

    /// <summary>Times a leader was demoted because a continuation held it (for tests and diagnostics).</summary>
    public int Stalls { get; private set; }

    /// <summary>
    /// True while a leader receives. It reads the set of descriptors afresh each time it waits, so a change to that set
    /// need not wake anyone; only the dedicated thread's wait (when no leader is active) must be woken.
    /// </summary>
    public bool HasLeader => (Volatile.Read(ref _state) & Leader) != 0;

    /// <summary>Starts the dedicated thread on first use.</summary>
    public void EnsureStarted()
    {
        if (_thread is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_thread is null && !_stopped)
            {
                var thread = new Thread(ColdLoop) { IsBackground = true, Name = _threadName };
                thread.UnsafeStart();
                _thread = thread;
            }
        }
    }

    /// <summary>
    /// Called by the leader before it completes a call inline. False when this thread is not (or no longer) the leader:
    /// the completion must then run its continuation asynchronously.
    /// </summary>
    public bool TryEnterUserCode()
    {
        var state = Volatile.Read(ref _state);
        if ((state & FlagMask) != Leader)
        {
            return false;
        }

        // A count rather than a clock: the watchdog sees the same entry twice, a period apart, when a continuation stalls.
        Volatile.Write(ref _userCodeEntries, _userCodeEntries + 1);
        return Interlocked.CompareExchange(ref _state, state | InUserCode, state) == state;
    }

    /// <summary>Called by the leader once the inline continuation returned. False when it was demoted meanwhile: stop receiving.</summary>
    public bool ExitUserCode()
    {
        var state = Volatile.Read(ref _state);
        return (state & InUserCode) != 0 && Interlocked.CompareExchange(ref _state, state & ~InUserCode, state) == state;
    }

    private void ColdLoop()
    {
        while (!_stopped)
        {
            var state = Volatile.Read(ref _state);
            if ((state & Leader) != 0)
            {
                // A leader is receiving: park, and check now and then that it is not stuck in a caller's continuation.
                if (!_parked.Wait(StallMilliseconds))
                {
                    DemoteIfStalled(state);
                }

                _parked.Reset();
                continue;
            }

            bool ready;
            try
            {
                ready = _work.WaitCold();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!ready || _stopped)
            {
                return;
            }

            // Something is ready: hand the receiving role to the thread pool; the leader reads it.
            var leader = (state & ~FlagMask) + GenerationUnit + Leader;
            if (Interlocked.CompareExchange(ref _state, leader, state) == state)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static reactor => reactor.Lead(), this, preferLocal: false);
            }
        }
    }

    private void DemoteIfStalled(long state)
    {
        // Called each time the parked thread's wait times out (every StallMilliseconds while a leader is active): a leader
        // still inside the same continuation as at the previous tick has held it for at least that long.
        var entries = Volatile.Read(ref _userCodeEntries);
        var seen = _entriesSeenByWatchdog;
        _entriesSeenByWatchdog = entries;
        if ((state & InUserCode) == 0 || !_work.HasWork || entries != seen)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _state, (state & ~FlagMask) + GenerationUnit, state) == state)
        {
            Stalls++;
        }
    }

    private void Lead()
    {
        var generation = Volatile.Read(ref _state) & ~FlagMask;
        while (!_stopped)
        {
            bool progressed;
            try
            {
                progressed = _work.ProcessHot(this);
            }
            catch (ObjectDisposedException)
            {
                progressed = false;
            }

            var state = Volatile.Read(ref _state);
            if ((state & ~FlagMask) != generation)
            {
                return;
            }

            if (!progressed || !_work.HasWork)
            {
                if (Interlocked.CompareExchange(ref _state, generation + GenerationUnit, generation | Leader) == (generation | Leader))
                {
                    _parked.Set();
                }

                return;
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _parked.Set();
    }
}
