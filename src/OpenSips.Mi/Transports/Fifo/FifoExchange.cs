using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// mi_fifo: each call creates its own reply FIFO (an unpredictable name, deleted when the call ends however it ends;
/// with <see cref="FifoOptions.ReuseReplyFifos"/>, a small pool of FIFOs serves call after call instead), writes <c>:reply_name:{json}\n</c> into OpenSIPS's FIFO, and the client's <see cref="Reactor"/> reads the reply as it
/// arrives, to EOF. No thread per call and no blocking open: OpenSIPS's FIFO is opened non-blocking (a missing reader is
/// reported at once) and the reply FIFO is opened non-blocking for reading before the command is written.
/// </summary>
internal sealed class FifoExchange : IMiExchange, IReactorWork, IPendingCallOwner
{
    /// <summary>Bytes the command adds to the JSON: two colons, the reply FIFO name and the newline.</summary>
    public const int CommandOverhead = 2 + ReplyFifo.NameLength + 1;

    private const int PooledCalls = 64;
    private static readonly TimeSpan FullFifoRetryDelay = TimeSpan.FromMilliseconds(2);

    private const int PooledReplyFifos = 16;

    private readonly string _fifoPath;
    private readonly string _replyDirectory;
    private readonly bool _reuse;
    private readonly Stack<ReplyFifo> _idleReplies = new();
    private readonly Reactor _reactor;
    private readonly FdPoller _poller = new();
    private readonly DeadlineSweep _sweep = new();
    private readonly Lock _lock = new();
    private readonly List<PendingCall> _waiting = [];
    private readonly Stack<PendingCall> _free = new();
    private readonly PolledSet<PendingCall> _set;
    private readonly Action<PendingCall, Reactor> _read;
    private volatile bool _disposed;

    private FifoExchange(FifoOptions options)
    {
        _fifoPath = options.FifoPath;
        _replyDirectory = options.ReplyDirectory;
        _reuse = options.ReuseReplyFifos;
        Endpoint = options.ToUriString();
        _reactor = new Reactor(this, "mi_fifo rx");
        _set = new PolledSet<PendingCall>(_poller, () => _disposed);
        _read = Read;
    }

    public string Name => "mi_fifo";

    public string Endpoint { get; }

    // The client checks the JSON alone; the prefix and newline must fit in mi_fifo's 4096 bytes too.
    public int MaxRequestBytes => FifoOptions.MaxRequestBytes - CommandOverhead;

    public string RequestLimitAdvice => "use mi_datagram or mi_http for large requests";

    public bool ExplainsParseErrors => false;

    public string? TimeoutHint => "mi_fifo answers nothing to unparsable JSON or a missing reply FIFO; is OpenSIPS running and reading this FIFO?";

    bool IReactorWork.HasWork => _waiting.Count > 0;

    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static FifoExchange Create(FifoOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("mi_fifo is supported on Linux only (OpenSIPS's FIFO is local to its host); use mi_datagram or mi_http elsewhere.");
        }

        return new FifoExchange(options);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        FifoRequestGuard.Check(request.Bytes.Span);
        if (request.Bytes.Length + CommandOverhead > FifoOptions.MaxRequestBytes)
        {
            throw new MiRequestTooLargeException(Name, request.Bytes.Length + CommandOverhead, FifoOptions.MaxRequestBytes, RequestLimitAdvice);
        }

        var reply = TakeReplyFifo();
        PendingCall call;
        long generation;
        lock (_lock)
        {
            call = _free.TryPop(out var free) ? free : new PendingCall(this);
            generation = call.Arm(request.Id);
            call.Context = reply;
            _waiting.Add(call);
            WatchLocked();
        }

        // From here on the call ends through its value task, and reading its outcome deletes the reply FIFO.
        _sweep.Add(call, request.Deadline);
        call.WatchCancellation(cancellationToken);
        _reactor.EnsureStarted();
        var command = ArrayPool<byte>.Shared.Rent(request.Bytes.Length + CommandOverhead);
        try
        {
            var length = BuildCommand(command, reply.Name, request.Bytes.Span);
            await WriteCommandAsync(call, generation, command.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(command);
        }

        return await call.Task.ConfigureAwait(false);
    }

    /// <summary>A pooled reply FIFO made ready again, or a new one.</summary>
    private ReplyFifo TakeReplyFifo()
    {
        if (_reuse)
        {
            ReplyFifo? idle;
            lock (_lock)
            {
                _idleReplies.TryPop(out idle);
            }

            if (idle is not null)
            {
                try
                {
                    idle.Reopen();
                    return idle;
                }
                catch (MiTransportException)
                {
                    // Deleted by someone else, say: make a new one.
                    idle.Dispose();
                }
            }
        }

        return ReplyFifo.Create(_replyDirectory);
    }

    private static int BuildCommand(byte[] command, string replyName, ReadOnlySpan<byte> json)
    {
        command[0] = (byte)':';
        var nameLength = Encoding.ASCII.GetBytes(replyName, command.AsSpan(1));
        command[1 + nameLength] = (byte)':';
        json.CopyTo(command.AsSpan(2 + nameLength));
        var length = json.Length + CommandOverhead;
        command[length - 1] = (byte)'\n';
        return length;
    }

    /// <summary>Writes the command; any failure ends the call (its value task carries the error).</summary>
    private async ValueTask WriteCommandAsync(PendingCall call, long generation, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        if (Interop.IsFifo(_fifoPath) == false)
        {
            call.TryFail(generation, new MiTransportException(File.Exists(_fifoPath) || Directory.Exists(_fifoPath)
                ? $"{_fifoPath} is not a FIFO: give mi_fifo's fifo_name."
                : $"OpenSIPS's FIFO {_fifoPath} does not exist (any more): is OpenSIPS running with mi_fifo and this fifo_name? OpenSIPS re-creates it when it starts."));
            return;
        }

        using var fifo = FifoNative.OpenForWriting(_fifoPath, out var errno);
        if (fifo is null)
        {
            call.TryFail(generation, DescribeOpenFailure(errno));
            return;
        }

        while (call.IsLive(generation))
        {
            // A command of at most PIPE_BUF (4096) bytes is written all at once or not at all, so concurrent calls never
            // interleave; EAGAIN only means the FIFO is full while OpenSIPS works through earlier commands.
            errno = FifoNative.WriteOnce(fifo, command.Span);
            if (errno == 0)
            {
                return;
            }

            if (errno != FifoNative.EAgain)
            {
                call.TryFail(generation, new MiTransportException(errno == FifoNative.EPipe
                    ? $"OpenSIPS closed its FIFO {_fifoPath} while the command was written: is it shutting down?"
                    : $"writing to OpenSIPS's FIFO {_fifoPath} failed: {Marshal.GetPInvokeErrorMessage(errno)}."));
                return;
            }

            try
            {
                await Task.Delay(FullFifoRetryDelay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The cancellation already ended the call.
                return;
            }
        }
    }

    private MiTransportException DescribeOpenFailure(int errno) => new(errno switch
    {
        FifoNative.ENxIo =>
            $"nothing reads OpenSIPS's FIFO {_fifoPath}: OpenSIPS is not running, or its MI FIFO process has stopped.",
        FifoNative.ENoEnt =>
            $"OpenSIPS's FIFO {_fifoPath} does not exist (any more): is OpenSIPS running with mi_fifo and this fifo_name?",
        FifoNative.EAcces or FifoNative.EPerm =>
            $"permission denied opening OpenSIPS's FIFO {_fifoPath} for writing ({FifoNative.DescribeOwner(_fifoPath)}): run as a user " +
            "that may write to it, or set mi_fifo's fifo_mode/fifo_user/fifo_group. In a sticky world-writable directory such as /tmp, " +
            "the fs.protected_fifos sysctl also restricts opening FIFOs owned by another user; keep the FIFO in a directory that is not world-writable.",
        _ => $"cannot open OpenSIPS's FIFO {_fifoPath}: {Marshal.GetPInvokeErrorMessage(errno)}.",
    });

    void IPendingCallOwner.Recycle(PendingCall call)
    {
        _sweep.Remove(call);
        ReplyFifo? reply;
        lock (_lock)
        {
            reply = call.Context as ReplyFifo;
            call.Context = null;
            if (_waiting.Remove(call))
            {
                WatchLocked();
            }

            if (_free.Count < PooledCalls)
            {
                _free.Push(call);
            }

            // With ReuseReplyFifos, a FIFO that delivered a whole reply serves again (its read end reopened then); any
            // other outcome retires it, so a late reply can never reach a later call.
            if (reply is { Delivered: true } && _reuse && !_disposed && _idleReplies.Count < PooledReplyFifos)
            {
                _idleReplies.Push(reply);
                reply = null;
            }
        }

        // On error, timeout and cancellation alike (and after every call by default): the reply FIFO is deleted. A reply
        // OpenSIPS writes later finds no FIFO (or a FIFO nobody reads) and reaches nobody.
        reply?.Dispose();
    }

    private void WatchLocked() => _set.Publish(_waiting.ToArray(), static c => ((ReplyFifo)c.Context!).Handle, _reactor);

    bool IReactorWork.WaitCold() => _set.WaitCold();

    bool IReactorWork.ProcessHot(Reactor reactor) => _set.ProcessHot(reactor, _read);

    private void Read(PendingCall call, Reactor reactor)
    {
        ReplyFifo? reply;
        long generation;
        lock (_lock)
        {
            reply = call.Context as ReplyFifo;
            generation = call.Generation;
        }

        if (reply is null || !call.IsLive(generation))
        {
            return;
        }

        bool complete;
        try
        {
            complete = reply.ReadAvailable();
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (MiException ex)
        {
            call.TryFail(generation, ex);
            return;
        }

        if (!complete)
        {
            return;
        }

        var bytes = reply.TakeReply();
        reply.Delivered = true;
        var inline = reactor.TryEnterUserCode();
        var delivered = call.TryComplete(generation, bytes, inline);
        if (inline)
        {
            reactor.ExitUserCode();
        }

        if (!delivered)
        {
            bytes.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        List<(PendingCall Call, long Generation)> waiting;
        lock (_lock)
        {
            waiting = [.. _waiting.Select(c => (c, c.Generation))];
        }

        foreach (var (call, generation) in waiting)
        {
            call.TryFail(generation, new ObjectDisposedException(nameof(MiClient), "The client was disposed while this mi_fifo call was waiting for its reply."));
        }

        _reactor.Dispose();
        _poller.Wake();
        _sweep.Dispose();
        _poller.Dispose();
        List<ReplyFifo> idle;
        lock (_lock)
        {
            idle = [.. _idleReplies];
            _idleReplies.Clear();
        }

        foreach (var reply in idle)
        {
            reply.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
