using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace OpenSips.Mi;

/// <summary>
/// One call's reply FIFO in mi_fifo's <c>reply_dir</c>: created with an unpredictable name, opened for reading BEFORE the
/// command is written (OpenSIPS opens it non-blocking and gives up after ~4 × 80 ms without a reader, docs/wire-facts.md#fifo-framing), read to EOF on
/// a dedicated thread, and always deleted.
/// </summary>
/// <remarks>
/// Opening a FIFO read-only blocks until a writer appears, and .NET cannot open with O_NONBLOCK. So the client first opens
/// it read-write (never blocks on Linux) as a "keeper" writer, which lets the read-only open return at once. The keeper is
/// closed as soon as OpenSIPS's first bytes arrive (OpenSIPS has opened its end by then), so EOF marks the end of the
/// reply. On abandon, closing the keeper ends a read that is still waiting for OpenSIPS, and one poke byte ends a read
/// stuck behind any other writer: no thread stays blocked.
/// </remarks>
internal sealed class ReplyFifo : IAsyncDisposable
{
    /// <summary>Length of every reply FIFO name: <c>osmi_</c> and 32 hex digits (128 random bits).</summary>
    public const int NameLength = 37;

    /// <summary>The largest reply accepted (ul_dump of 502 AORs is 148994 bytes).</summary>
    public const int MaxReplyBytes = 256 * 1024 * 1024;

    // Owner read/write plus group/other WRITE only: OpenSIPS often runs as another user and must be able to open the FIFO
    // for writing; nobody else needs to read it (only this process reads replies), so read stays owner-only.
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static readonly TimeSpan ReaderExitWait = TimeSpan.FromSeconds(2);

    private readonly FileStream _reader;
    private readonly TaskCompletionSource<byte[]> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SafeFileHandle? _keeper;
    private volatile bool _abandoned;
    private bool _started;

    private ReplyFifo(string name, string path, SafeFileHandle keeper, FileStream reader)
    {
        Name = name;
        Path = path;
        _keeper = keeper;
        _reader = reader;
    }

    /// <summary>The bare name written in the command (letters, digits, underscore: what mi_fifo accepts).</summary>
    public string Name { get; }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <summary>The whole reply, once OpenSIPS has closed its end.</summary>
    public Task<byte[]> Reply => _reply.Task;

    public static string NewName() => "osmi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static ReplyFifo Create(string directory)
    {
        var name = NewName();
        var path = System.IO.Path.Combine(directory, name);
        var errno = Interop.CreateFifo(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (errno != 0)
        {
            var why = errno switch
            {
                FifoNative.EAcces or FifoNative.EPerm => $"permission denied ({FifoNative.DescribeOwner(directory)})",
                FifoNative.ENoEnt => "the directory does not exist",
                _ => System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno),
            };
            throw new MiTransportException($"cannot create a reply FIFO in {directory} (mi_fifo's reply_dir): {why}.");
        }

        SafeFileHandle? keeper = null;
        SafeFileHandle? readHandle = null;
        try
        {
            // mkfifo applies the umask; set the mode explicitly (FifoTransport only runs on Linux).
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, Mode);
            }

            keeper = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            readHandle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new ReplyFifo(name, path, keeper, new FileStream(readHandle, FileAccess.Read, bufferSize: 0));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            readHandle?.Dispose();
            keeper?.Dispose();
            TryDelete(path);
            throw new MiTransportException($"cannot open the reply FIFO {path}: {ex.Message}", ex);
        }
        catch
        {
            readHandle?.Dispose();
            keeper?.Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Starts reading on a dedicated thread (a blocked FIFO read must not hold a thread-pool thread).</summary>
    public void StartReading()
    {
        _started = true;
        var thread = new Thread(ReadToEnd) { IsBackground = true, Name = "mi_fifo reply" };
        thread.Start();
    }

    private void ReadToEnd()
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            while (!_abandoned)
            {
                var read = _reader.Read(buffer.GetSpan(64 * 1024));
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                ReleaseKeeper();
                if (buffer.WrittenCount > MaxReplyBytes)
                {
                    throw new MiProtocolException($"the mi_fifo reply in {Path} is over {MaxReplyBytes} bytes; stopped reading.");
                }
            }

            _reply.TrySetResult(buffer.WrittenSpan.ToArray());
        }
        catch (Exception ex)
        {
            _reply.TrySetException(ex is MiException ? ex : new MiTransportException($"reading the reply FIFO {Path} failed: {ex.Message}", ex));
        }
    }

    private void ReleaseKeeper() => Interlocked.Exchange(ref _keeper, null)?.Dispose();

    public async ValueTask DisposeAsync()
    {
        _abandoned = true;
        try
        {
            ReleaseKeeper();
            if (_started && !_reply.Task.IsCompleted)
            {
                Poke();
                try
                {
                    await _reply.Task.WaitAsync(ReaderExitWait).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TimeoutException or MiException)
                {
                    // The reader thread ends when its read returns; the file is removed regardless.
                }
            }
        }
        finally
        {
            await _reader.DisposeAsync().ConfigureAwait(false);
            TryDelete(Path);
        }
    }

    /// <summary>Writes one byte without blocking so that a read waiting behind another writer returns.</summary>
    private void Poke()
    {
        using var handle = FifoNative.OpenForWriting(Path, out _);
        if (handle is not null)
        {
            _ = FifoNative.WriteOnce(handle, "\n"u8);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
