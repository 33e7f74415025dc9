using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace OpenSips.Mi;

/// <summary>
/// One call's reply FIFO in mi_fifo's <c>reply_dir</c>: created with an unpredictable name, mode 0622, opened for reading
/// without blocking BEFORE the command is written (OpenSIPS opens it non-blocking and gives up after a few tries without a
/// reader), read by the exchange's reactor as OpenSIPS writes, and always deleted. EOF marks the end of the reply:
/// OpenSIPS closes its end once it has written it. A FIFO opened this way reports neither data nor hang-up until a
/// writer has come and gone, so no thread is needed. A writer that comes and goes without writing (a probe) would look
/// like an empty reply: the client then holds a "keeper" writer of its own until the first bytes arrive.
/// </summary>
internal sealed partial class ReplyFifo : IDisposable
{
    /// <summary>Length of every reply FIFO name: <c>osmi_</c> and 32 hex digits (128 random bits).</summary>
    public const int NameLength = 37;

    /// <summary>The largest reply accepted (ul_dump of 502 AORs is 148994 bytes).</summary>
    public const int MaxReplyBytes = 256 * 1024 * 1024;

    // Owner read/write plus group/other WRITE only: OpenSIPS often runs as another user and must be able to open the FIFO
    // for writing; nobody else needs to read it (only this process reads replies), so read stays owner-only.
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private const int OReadOnly = 0x0;
    private const int ONonBlock = 0x800;
    private const int OCloseOnExec = 0x80000;

    private SafeFileHandle _handle;
    private SafeFileHandle? _keeper;
    private PooledBufferWriter? _reply;

    private ReplyFifo(string name, string path, SafeFileHandle handle)
    {
        Name = name;
        Path = path;
        _handle = handle;
    }

    /// <summary>True once a whole reply was handed over: the FIFO may serve another call.</summary>
    public bool Delivered { get; set; }

    /// <summary>The bare name written in the command (letters, digits, underscore: what mi_fifo accepts).</summary>
    public string Name { get; }

    /// <summary>The full path.</summary>
    public string Path { get; }

    /// <summary>The read end, for the reactor to wait on.</summary>
    public SafeFileHandle Handle => _handle;

    public static string NewName() => "osmi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <exception cref="MiTransportException">The FIFO could not be created or opened (the message says why).</exception>
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
                _ => Marshal.GetPInvokeErrorMessage(errno),
            };
            throw new MiTransportException($"cannot create a reply FIFO in {directory} (mi_fifo's reply_dir): {why}.");
        }

        SafeFileHandle handle;
        try
        {
            handle = OpenReadEnd(path);
        }
        catch
        {
            TryDelete(path);
            throw;
        }

        // mkfifo applies the umask: set the mode explicitly, on the open descriptor.
        if (FChmod(handle, (uint)Mode) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            handle.Dispose();
            TryDelete(path);
            throw new MiTransportException($"cannot set the mode of the reply FIFO {path}: {Marshal.GetPInvokeErrorMessage(error)}.");
        }

        return new ReplyFifo(name, path, handle);
    }

    /// <summary>
    /// Makes a FIFO that served a call ready for the next one: a fresh read end, which (unlike the old one, which saw
    /// OpenSIPS come and go) reports nothing until OpenSIPS opens the FIFO again.
    /// </summary>
    public void Reopen()
    {
        ReleaseKeeper();
        _handle.Dispose();
        _handle = OpenReadEnd(Path);
        Delivered = false;
    }

    private static SafeFileHandle OpenReadEnd(string path)
    {
        var fd = Open(path, OReadOnly | ONonBlock | OCloseOnExec);
        if (fd < 0)
        {
            throw new MiTransportException($"cannot open the reply FIFO {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Reads what OpenSIPS has written so far, without blocking.</summary>
    /// <returns>True once OpenSIPS has closed its end (the reply is complete); false while more may come.</returns>
    /// <exception cref="MiException">Reading failed, or the reply is over <see cref="MaxReplyBytes"/>.</exception>
    public unsafe bool ReadAvailable()
    {
        _reply ??= PooledBufferWriter.Rent();
        while (true)
        {
            var span = _reply.GetSpan(64 * 1024);
            nint read;
            fixed (byte* buffer = span)
            {
                read = Read(_handle, buffer, (nuint)span.Length);
            }

            if (read > 0)
            {
                // OpenSIPS has its end open now: from here on EOF means the reply is complete.
                ReleaseKeeper();
                _reply.Advance((int)read);
                if (_reply.WrittenCount > MaxReplyBytes)
                {
                    throw new MiProtocolException($"the mi_fifo reply in {Path} is over {MaxReplyBytes} bytes; stopped reading.");
                }

                continue;
            }

            if (read == 0)
            {
                if (_reply.WrittenCount > 0)
                {
                    return true;
                }

                // A writer came and went without a byte: hold a writer of our own so that this EOF goes away, and wait.
                if (_keeper is null && FifoNative.OpenForWriting(Path, out _) is { } keeper
                    && (Interlocked.CompareExchange(ref _keeper, keeper, null) is not null || _handle.IsClosed))
                {
                    // Raced with another keeper, or with the end of the call (which closes the read end first).
                    keeper.Dispose();
                }

                return false;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == FifoNative.EAgain)
            {
                return false;
            }

            if (errno != FifoNative.EIntr)
            {
                throw new MiTransportException($"reading the reply FIFO {Path} failed: {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
        }
    }

    /// <summary>The reply read so far, handed over.</summary>
    public MiReplyBuffer TakeReply()
    {
        var reply = _reply ?? PooledBufferWriter.Rent();
        _reply = null;
        return reply.Detach();
    }

    private void ReleaseKeeper() => Interlocked.Exchange(ref _keeper, null)?.Dispose();

    /// <summary>Closes the read end and deletes the FIFO, whatever the call's outcome.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        ReleaseKeeper();
        TryDelete(Path);
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmod(SafeFileHandle fd, uint mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(SafeFileHandle fd, byte* buffer, nuint count);
}
