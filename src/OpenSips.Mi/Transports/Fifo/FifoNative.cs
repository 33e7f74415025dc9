using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenSips.Mi;

/// <summary>
/// The POSIX calls mi_fifo needs beyond <see cref="Interop"/>: a non-blocking open for writing (a blocking one would wait
/// forever when OpenSIPS is not reading; non-blocking it fails at once with ENXIO) and the raw write that reports EAGAIN.
/// Flag and errno values are Linux's (identical on x86-64 and arm64).
/// </summary>
internal static partial class FifoNative
{
    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int ENxIo = 6;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int EPipe = 32;

    private const int OWriteOnly = 0x1;
    private const int ONonBlock = 0x800;
    private const int OCloseOnExec = 0x80000;
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7FF;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(SafeFileHandle fd, ReadOnlySpan<byte> buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>Opens a FIFO for writing without ever blocking; ENXIO means no process has it open for reading.</summary>
    /// <returns>The handle, or <see langword="null"/> and the errno.</returns>
    public static SafeFileHandle? OpenForWriting(string path, out int errno)
    {
        var fd = Open(path, OWriteOnly | ONonBlock | OCloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Writes all of <paramref name="data"/> (at most PIPE_BUF bytes, so all or nothing) to a non-blocking FIFO.</summary>
    /// <returns>0, or the errno (EAGAIN: the FIFO is full for now).</returns>
    public static int WriteOnce(SafeFileHandle handle, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            var written = Write(handle, data, (nuint)data.Length);
            if (written == data.Length)
            {
                return 0;
            }

            var errno = written < 0 ? Marshal.GetLastPInvokeError() : EAgain;
            if (errno != EIntr)
            {
                return errno;
            }
        }
    }

    /// <summary>Describes a file's owner and mode for permission messages, for example <c>owner uid 0, gid 0, mode 0620</c>.</summary>
    public static string DescribeOwner(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
            {
                return "owner unknown";
            }

            var uid = BitConverter.ToUInt32(buffer[20..]);
            var gid = BitConverter.ToUInt32(buffer[24..]);
            var mode = BitConverter.ToUInt16(buffer[28..]) & 0xFFF;
            return $"owner uid {uid}, gid {gid}, mode 0{Convert.ToString(mode, 8)}; this process runs as uid {GetEffectiveUserId()}";
        }
        catch (EntryPointNotFoundException)
        {
            return "owner unknown";
        }
    }
}
