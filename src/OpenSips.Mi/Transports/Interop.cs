using System.Runtime.InteropServices;

namespace OpenSips.Mi;

/// <summary>The few POSIX calls .NET has no API for: creating a FIFO and telling whether a path is one.</summary>
internal static partial class Interop
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const ushort FileTypeMask = 0xF000;
    private const ushort FifoType = 0x1000;

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>Creates a FIFO with the given permission bits.</summary>
    /// <returns>0, or the errno.</returns>
    public static int CreateFifo(string path, UnixFileMode mode) =>
        MkFifo(path, (uint)mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>True for a FIFO, false for anything else, <see langword="null"/> when the platform cannot tell.</summary>
    public static bool? IsFifo(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // statx's layout is the same on every Linux architecture, unlike struct stat.
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }

        var mode = BitConverter.ToUInt16(buffer[StatxModeOffset..]);
        return (mode & FileTypeMask) == FifoType;
    }
}
