using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenSips.Mi;

/// <summary>
/// <c>poll(2)</c> over a few descriptors (sockets, reply FIFOs) plus an eventfd that <see cref="Wake"/> signals, for a
/// <see cref="Reactor"/> that watches more than one descriptor (Linux only). Handles are ref-counted for the duration of
/// each wait, so a descriptor closed meanwhile is never confused with a new one of the same number.
/// </summary>
internal sealed partial class FdPoller : IDisposable
{
    private const short PollIn = 0x1;
    private const int EfdCloexec = 0x80000;
    private const int EfdNonblock = 0x800;
    private const int EIntr = 4;

    private readonly SafeFileHandle _wake;

    public FdPoller()
    {
        var fd = EventFd(0, EfdCloexec | EfdNonblock);
        if (fd < 0)
        {
            throw new MiTransportException($"eventfd failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }

        _wake = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Ends a <see cref="Wait"/> that includes the wake descriptor (new descriptors to watch, or stopping).</summary>
    /// <remarks>Harmless after <see cref="Dispose"/>: calls that end after their client was disposed still wake it.</remarks>
    public unsafe void Wake()
    {
        ulong one = 1;
        try
        {
            _ = Write(_wake, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Waits until one of <paramref name="handles"/> is readable (or has an error or hang-up), up to
    /// <paramref name="timeoutMilliseconds"/> (-1: for ever), or until <see cref="Wake"/> when <paramref name="wakeable"/>.
    /// Marks the ready ones in <paramref name="ready"/> and returns how many there are (a wake alone returns 0).
    /// </summary>
    /// <exception cref="ObjectDisposedException">One of the handles is closed.</exception>
    public unsafe int Wait(ReadOnlySpan<SafeHandle> handles, Span<bool> ready, int timeoutMilliseconds, bool wakeable)
    {
        var count = handles.Length + (wakeable ? 1 : 0);
        Span<PollFd> fds = count <= 64 ? stackalloc PollFd[count] : new PollFd[count];
        var added = 0;
        try
        {
            for (; added < handles.Length; added++)
            {
                var ok = false;
                handles[added].DangerousAddRef(ref ok);
                fds[added] = new PollFd { Fd = (int)handles[added].DangerousGetHandle(), Events = PollIn };
            }

            var wakeAdded = false;
            if (wakeable)
            {
                _wake.DangerousAddRef(ref wakeAdded);
                fds[handles.Length] = new PollFd { Fd = (int)_wake.DangerousGetHandle(), Events = PollIn };
            }

            try
            {
                int result;
                fixed (PollFd* pointer = fds)
                {
                    result = Poll(pointer, (nuint)count, timeoutMilliseconds);
                }

                if (result < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno == EIntr ? 0 : throw new MiTransportException($"poll failed: {Marshal.GetPInvokeErrorMessage(errno)}.");
                }

                if (wakeable && fds[handles.Length].Revents != 0)
                {
                    ulong drained;
                    _ = Read(_wake, (byte*)&drained, sizeof(ulong));
                }

                var readyCount = 0;
                for (var i = 0; i < handles.Length; i++)
                {
                    ready[i] = fds[i].Revents != 0;
                    readyCount += ready[i] ? 1 : 0;
                }

                return readyCount;
            }
            finally
            {
                if (wakeAdded)
                {
                    _wake.DangerousRelease();
                }
            }
        }
        finally
        {
            for (var i = 0; i < added; i++)
            {
                handles[i].DangerousRelease();
            }
        }
    }

    public void Dispose() => _wake.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(SafeFileHandle fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(SafeFileHandle fd, byte* buffer, nuint count);
}
