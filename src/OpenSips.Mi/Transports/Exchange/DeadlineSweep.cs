using System.Diagnostics;

namespace OpenSips.Mi;

/// <summary>Something with a deadline that the sweep may expire: a datagram call, an HTTP connection in use, a reply FIFO in use.</summary>
internal abstract class DeadlineEntry
{
    /// <summary>The deadline, a <see cref="Stopwatch"/> timestamp.</summary>
    internal long Deadline;

    /// <summary>The entry's position in the sweep, or -1 when not registered (owned by <see cref="DeadlineSweep"/>).</summary>
    internal int SweepSlot = -1;

    /// <summary>The entry's current use; a stale expiry (meant for an earlier use of a pooled entry) carries an older one.</summary>
    internal abstract long Generation { get; }

    /// <summary>Called once the deadline has passed, outside the sweep's lock, on a timer thread.</summary>
    internal abstract void Expire(long generation);
}

/// <summary>
/// One timer per client for every deadline it holds, instead of a linked token source and a timer per call. The timer is
/// armed for the earliest deadline; calls with later deadlines (the common case: the same timeout, one call after
/// another) do not touch it, so a steady stream of calls costs two short lock sections and no timer operation.
/// </summary>
internal sealed class DeadlineSweep : IDisposable
{
    private const long NotArmed = long.MaxValue;

    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private DeadlineEntry[] _entries = new DeadlineEntry[16];
    private int _count;
    private long _armedFor = NotArmed;
    private bool _disposed;

    public DeadlineSweep()
    {
        _timer = new Timer(static state => ((DeadlineSweep)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public void Add(DeadlineEntry entry, long deadline)
    {
        lock (_lock)
        {
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count * 2);
            }

            entry.Deadline = deadline;
            entry.SweepSlot = _count;
            _entries[_count++] = entry;
            if (deadline < _armedFor && !_disposed)
            {
                Arm(deadline);
            }
        }
    }

    public void Remove(DeadlineEntry entry)
    {
        lock (_lock)
        {
            var slot = entry.SweepSlot;
            if (slot < 0 || slot >= _count || !ReferenceEquals(_entries[slot], entry))
            {
                return;
            }

            RemoveAt(slot);
        }
    }

    private void RemoveAt(int slot)
    {
        _entries[slot].SweepSlot = -1;
        var last = --_count;
        if (slot != last)
        {
            _entries[slot] = _entries[last];
            _entries[slot].SweepSlot = slot;
        }

        _entries[last] = null!;
    }

    private void Arm(long deadline)
    {
        _armedFor = deadline;
        var remaining = deadline - Stopwatch.GetTimestamp();
        var milliseconds = remaining <= 0 ? 0 : (remaining * 1000 / Stopwatch.Frequency) + 1;
        _timer.Change(Math.Min(milliseconds, int.MaxValue - 1), Timeout.Infinite);
    }

    private void OnTimer()
    {
        List<(DeadlineEntry Entry, long Generation)>? expired = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var earliest = NotArmed;
            for (var i = _count - 1; i >= 0; i--)
            {
                var entry = _entries[i];
                if (entry.Deadline <= now)
                {
                    (expired ??= []).Add((entry, entry.Generation));
                    RemoveAt(i);
                }
                else if (entry.Deadline < earliest)
                {
                    earliest = entry.Deadline;
                }
            }

            _armedFor = NotArmed;
            if (earliest != NotArmed)
            {
                Arm(earliest);
            }
        }

        if (expired is not null)
        {
            foreach (var (entry, generation) in expired)
            {
                entry.Expire(generation);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }
}
