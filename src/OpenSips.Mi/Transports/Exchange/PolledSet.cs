using System.Runtime.InteropServices;

namespace OpenSips.Mi;

/// <summary>
/// The descriptors one exchange's <see cref="Reactor"/> watches (reply FIFOs, HTTP connections), each with the item it
/// belongs to, replaced as a whole when one comes or goes; and the two waits a reactor makes on them.
/// </summary>
/// <typeparam name="T">What a ready descriptor is handed back as.</typeparam>
internal sealed class PolledSet<T>
    where T : class
{
    // Up to this many descriptors, the ready flags live on the stack.
    private const int StackFlags = 64;

    private readonly FdPoller _poller;
    private readonly Func<bool> _disposed;
    private Snapshot _current = new([], []);

    /// <param name="poller">The poller the waits use; the exchange owns and disposes it.</param>
    /// <param name="disposed">Whether the exchange is disposed (the waits end then).</param>
    public PolledSet(FdPoller poller, Func<bool> disposed)
    {
        _poller = poller;
        _disposed = disposed;
    }

    /// <summary>
    /// Replaces the set. A leader reads it afresh each time it waits; only the dedicated thread's wait (when no leader
    /// is active) must be woken to see it.
    /// </summary>
    public void Publish(T[] items, Func<T, SafeHandle> handle, Reactor reactor)
    {
        Volatile.Write(ref _current, new Snapshot(items, [.. items.Select(handle)]));
        // Full fence: the set must be visible before we read whether a leader (which re-reads it) is active.
        Interlocked.MemoryBarrier();
        if (!reactor.HasLeader)
        {
            _poller.Wake();
        }
    }

    /// <summary>The cold wait: blocks until a descriptor is ready (true) or the exchange is disposed (false).</summary>
    public bool WaitCold()
    {
        Span<bool> flags = stackalloc bool[StackFlags];
        while (!_disposed())
        {
            try
            {
                var current = Volatile.Read(ref _current);
                var ready = current.Handles.Length <= flags.Length ? flags : new bool[current.Handles.Length];
                if (_poller.Wait(current.Handles, ready, Timeout.Infinite, wakeable: true) > 0)
                {
                    return !_disposed();
                }
            }
            catch (ObjectDisposedException) when (!_disposed())
            {
                // A descriptor was closed between reading the set and waiting: read it again.
            }
        }

        return false;
    }

    /// <summary>
    /// The leader's wait: up to <see cref="Reactor.HotWindowMilliseconds"/>, then <paramref name="read"/> for each ready
    /// item. False when nothing was ready.
    /// </summary>
    public bool ProcessHot(Reactor reactor, Action<T, Reactor> read)
    {
        var current = Volatile.Read(ref _current);
        var ready = current.Handles.Length <= StackFlags ? stackalloc bool[current.Handles.Length] : new bool[current.Handles.Length];
        try
        {
            if (_poller.Wait(current.Handles, ready, Reactor.HotWindowMilliseconds, wakeable: false) == 0)
            {
                return false;
            }
        }
        catch (ObjectDisposedException) when (!_disposed())
        {
            return true;
        }

        for (var i = 0; i < ready.Length; i++)
        {
            if (ready[i])
            {
                read(current.Items[i], reactor);
            }
        }

        return true;
    }

    private sealed record Snapshot(T[] Items, SafeHandle[] Handles);
}
