using System.Text;

namespace OpenSips.Mi;

/// <summary>
/// mi_fifo (facts 34-37): each call creates its own reply FIFO, writes <c>:reply_name:{json}\n</c> into OpenSIPS's FIFO and
/// reads the reply to EOF. Never blocks a thread on an open: OpenSIPS's FIFO is opened non-blocking (a missing reader is
/// reported at once) and the reply FIFO is opened with a keeper writer (see <see cref="ReplyFifo"/>).
/// </summary>
internal sealed class FifoExchange : IMiExchange
{
    /// <summary>Bytes the command adds to the JSON: two colons, the reply FIFO name and the newline.</summary>
    public const int CommandOverhead = 2 + ReplyFifo.NameLength + 1;

    private static readonly TimeSpan FullFifoRetryDelay = TimeSpan.FromMilliseconds(2);

    private readonly string _fifoPath;
    private readonly string _replyDirectory;
    private readonly CancellationTokenSource _disposed = new();

    private FifoExchange(FifoOptions options)
    {
        _fifoPath = options.FifoPath;
        _replyDirectory = options.ReplyDirectory;
        Endpoint = options.ToUriString();
    }

    public string Name => "mi_fifo";

    public string Endpoint { get; }

    // The client checks the JSON alone; the prefix and newline must fit in mi_fifo's 4096 bytes too (fact 35).
    public int MaxRequestBytes => FifoOptions.MaxRequestBytes - CommandOverhead;

    public string RequestLimitAdvice => "use mi_datagram or mi_http for large requests";

    public string? TimeoutHint => "mi_fifo answers nothing to unparsable JSON or a missing reply FIFO; is OpenSIPS running and reading this FIFO?";

    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static FifoExchange Create(FifoOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("mi_fifo is supported on Linux only (OpenSIPS's FIFO is local to its host); use mi_datagram or mi_http elsewhere.");
        }

        return new FifoExchange(options);
    }

    public async ValueTask<MiReplyBuffer> ExchangeAsync(MiExchangeRequest call, CancellationToken cancellationToken)
    {
        var request = call.Bytes;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), call.Deadline) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        try
        {
            return MiReplyBuffer.Owned(await ExchangeCoreAsync(request, deadline.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested && !_disposed.IsCancellationRequested)
        {
            throw new MiExchangeTimeoutException();
        }
    }

    private async Task<ReadOnlyMemory<byte>> ExchangeCoreAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        cancellationToken.ThrowIfCancellationRequested();
        FifoRequestGuard.Check(request.Span);
        if (request.Length + CommandOverhead > FifoOptions.MaxRequestBytes)
        {
            throw new MiRequestTooLargeException(Name, request.Length + CommandOverhead, FifoOptions.MaxRequestBytes, RequestLimitAdvice);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var reply = ReplyFifo.Create(_replyDirectory);
        try
        {
            reply.StartReading();
            await WriteCommandAsync(BuildCommand(reply.Name, request.Span), linked.Token).ConfigureAwait(false);
            return await reply.Reply.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(MiClient), "The client was disposed while this mi_fifo call was waiting for its reply.");
        }
        finally
        {
            // On success, error, timeout and cancellation alike: no reply FIFO is left behind.
            await reply.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static byte[] BuildCommand(string replyName, ReadOnlySpan<byte> json)
    {
        var command = new byte[json.Length + CommandOverhead];
        command[0] = (byte)':';
        var nameLength = Encoding.ASCII.GetBytes(replyName, command.AsSpan(1));
        command[1 + nameLength] = (byte)':';
        json.CopyTo(command.AsSpan(2 + nameLength));
        command[^1] = (byte)'\n';
        return command;
    }

    private async Task WriteCommandAsync(byte[] command, CancellationToken cancellationToken)
    {
        if (Interop.IsFifo(_fifoPath) == false)
        {
            throw new MiTransportException(File.Exists(_fifoPath) || Directory.Exists(_fifoPath)
                ? $"{_fifoPath} is not a FIFO: give mi_fifo's fifo_name."
                : $"OpenSIPS's FIFO {_fifoPath} does not exist (any more): is OpenSIPS running with mi_fifo and this fifo_name? OpenSIPS re-creates it when it starts.");
        }

        using var fifo = FifoNative.OpenForWriting(_fifoPath, out var errno) ?? throw DescribeOpenFailure(errno);
        while (true)
        {
            // A command of at most PIPE_BUF (4096) bytes is written all at once or not at all, so concurrent calls never
            // interleave; EAGAIN only means the FIFO is full while OpenSIPS works through earlier commands.
            errno = FifoNative.WriteOnce(fifo, command);
            if (errno == 0)
            {
                return;
            }

            if (errno != FifoNative.EAgain)
            {
                throw new MiTransportException(errno == FifoNative.EPipe
                    ? $"OpenSIPS closed its FIFO {_fifoPath} while the command was written: is it shutting down?"
                    : $"writing to OpenSIPS's FIFO {_fifoPath} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.");
            }

            await Task.Delay(FullFifoRetryDelay, cancellationToken).ConfigureAwait(false);
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
        _ => $"cannot open OpenSIPS's FIFO {_fifoPath}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.",
    });

    public ValueTask DisposeAsync()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
        }

        return ValueTask.CompletedTask;
    }
}
