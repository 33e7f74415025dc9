using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenSips.Mi.Testing;

/// <summary>
/// libc calls for FIFOs: .NET can neither create a FIFO nor open one non-blocking, and a blocking open would hang until
/// the other side opens (OpenSIPS opens reply FIFOs with O_NONBLOCK and retries, docs/wire-facts.md#fifo-framing).
/// </summary>
internal static partial class FifoNative
{
    public const int ReadWrite = 2;
    private const int WriteOnly = 1;
    private const int NonBlock = 0x800;
    private const int GetFlags = 3;
    private const int SetFlags = 4;

    public static void Create(string path, int mode = 0x1B6)
    {
        if (MkFifo(path, (uint)mode) != 0)
        {
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Opens a FIFO for writing without blocking; null when nobody reads it (ENXIO) or it does not exist.</summary>
    public static SafeFileHandle? TryOpenWriter(string path)
    {
        var fd = Open(path, WriteOnly | NonBlock);
        if (fd < 0)
        {
            return null;
        }

        // Blocking writes from here on: big replies exceed the pipe buffer and the reader drains it at its pace.
        _ = Fcntl(fd, SetFlags, Fcntl(fd, GetFlags, 0) & ~NonBlock);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Opens read-write: never blocks, and holding a writer ourselves means readers never see EOF.</summary>
    public static SafeFileHandle OpenReadWrite(string path)
    {
        var fd = Open(path, ReadWrite);
        return fd < 0
            ? throw new IOException($"open {path} failed: errno {Marshal.GetLastPInvokeError()}")
            : new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
