using System.Buffers;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// Requests that could not go out at once because OpenSIPS's own socket queue was full (a unix datagram socket holds
/// <c>net.unix.max_dgram_qlen</c> requests, whoever sent them). One thread of the client's sends them in order with a
/// blocking send, which the kernel wakes exactly when OpenSIPS reads, instead of retrying on a timer. A request whose
/// call ended meanwhile (timeout, cancellation) is dropped unsent. Created on first need.
/// </summary>
internal sealed class DatagramSendQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<Entry> _queue = new();
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private Thread? _thread;
    private int _count;
    private volatile bool _stopped;

    /// <summary>True while requests wait: later ones queue behind them rather than overtake.</summary>
    public bool IsBacklogged => Volatile.Read(ref _count) > 0;

    public void Enqueue(PendingCall call, long generation, DatagramChannel lane, ReadOnlySpan<byte> request)
    {
        // A copy: the caller's buffer goes back to its pool as soon as the call ends, which may be before it is sent.
        var copy = ArrayPool<byte>.Shared.Rent(request.Length);
        request.CopyTo(copy);
        lock (_lock)
        {
            _queue.Enqueue(new Entry(call, generation, lane, copy, request.Length));
            _count++;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "mi_datagram tx" };
                _thread.UnsafeStart();
            }
        }

        _signal.Set();
    }

    private void Run()
    {
        while (!_stopped)
        {
            Entry entry;
            lock (_lock)
            {
                if (!_queue.TryPeek(out entry))
                {
                    _signal.Reset();
                }
            }

            if (entry.Call is null)
            {
                _signal.Wait();
                continue;
            }

            if (entry.Call.IsLive(entry.Generation))
            {
                var error = entry.Lane.SendWaiting(entry.Request.AsSpan(0, entry.Length));
                if (error is SocketError.WouldBlock or SocketError.TimedOut)
                {
                    // Still full after the send timeout: check the call is still waiting, then try again.
                    continue;
                }

                if (error != SocketError.Success)
                {
                    entry.Call.TryFail(entry.Generation, new MiTransportException(entry.Lane.Describe(error), new SocketException((int)error)));
                }
            }

            lock (_lock)
            {
                _queue.Dequeue();
                _count--;
            }

            ArrayPool<byte>.Shared.Return(entry.Request);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _signal.Set();
    }

    private readonly record struct Entry(PendingCall Call, long Generation, DatagramChannel Lane, byte[] Request, int Length);
}
