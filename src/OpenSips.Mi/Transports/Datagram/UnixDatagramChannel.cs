using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OpenSips.Mi;

/// <summary>
/// mi_datagram over a unix datagram socket. OpenSIPS answers to the sender's address, so the client binds a private
/// socket file (unpredictable name, removed on dispose and on failure) before it sends anything; OpenSIPS answers from an
/// unbound socket, so the client's socket is not connected (a connected one would refuse those replies).
/// </summary>
/// <remarks>
/// OpenSIPS sends each reply once, without waiting: a reply that finds the client socket's receive queue full is dropped.
/// That queue holds <c>net.unix.max_dgram_qlen</c> datagrams (10 by default), so a client keeps at most that many calls
/// in flight per socket (<see cref="UnixDatagramOptions.MaxCallsPerSocket"/>), opens further sockets when all are busy
/// (<see cref="UnixDatagramOptions.MaxClientSockets"/>) and queues the rest in order.
/// </remarks>
internal sealed partial class UnixDatagramChannel : DatagramChannel
{
    /// <summary>Where Linux publishes the receive queue length of unix datagram sockets.</summary>
    public const string QueueLengthPath = "/proc/sys/net/unix/max_dgram_qlen";

    /// <summary>Linux's default <c>net.unix.max_dgram_qlen</c>, used when it cannot be read.</summary>
    public const int DefaultQueueLength = 10;

    /// <summary>
    /// Where Linux publishes the default socket send buffer. OpenSIPS replies on a unix socket of its own without setting
    /// its size, and every reply sent there counts against it until the client has read it.
    /// </summary>
    public const string SendBufferPath = "/proc/sys/net/core/wmem_default";

    /// <summary>Linux's usual <c>net.core.wmem_default</c>, used when it cannot be read.</summary>
    public const int DefaultSendBuffer = 212992;

    private readonly string _clientPath;
    private readonly SocketAddress _server;
    private int _disposed;

    private UnixDatagramChannel(Socket socket, string clientPath, SocketAddress server, string endpoint)
        : base(socket, endpoint)
    {
        _clientPath = clientPath;
        _server = server;

        // Bounds each wait of SendWaiting, so that the thread sending deferred requests checks their calls now and then.
        Socket.SendTimeout = 50;
    }

    /// <summary>The client's socket file.</summary>
    public string ClientPath => _clientPath;

    public override string TimeoutHint =>
        $"is mi_datagram listening on that socket, and may OpenSIPS write to this client's socket in {Path.GetDirectoryName(_clientPath)}?";

    public override string RequestLimitAdvice => "split the work into several commands (no other MI transport takes more: mi_http about 16 KB, mi_fifo 4096 bytes)";

    /// <summary>The lanes of a unix client: its first socket now (so a missing server fails at connect), more on demand.</summary>
    public static DatagramLanes CreateLanes(UnixDatagramOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("mi_datagram over a unix socket is supported on Linux only; use udp:// elsewhere.");
        }

        var first = Create(options);
        var perSocket = options.MaxCallsPerSocket ?? ReadQueueLength();
        var budget = ReadSysctl(SendBufferPath, DefaultSendBuffer) * 3 / 4;
        var opened = 0;
        return new DatagramLanes(
            () => Interlocked.Exchange(ref opened, 1) == 0 ? first : Create(options),
            perSocket,
            options.MaxClientSockets,
            budget,
            $"it waited for a free slot: this client keeps at most {perSocket} calls in flight on each of at most {options.MaxClientSockets} sockets " +
            "(UnixDatagramOptions.MaxCallsPerSocket and MaxClientSockets: a unix datagram socket queues net.unix.max_dgram_qlen replies and OpenSIPS drops any beyond that), " +
            $"and the replies in flight must fit in OpenSIPS's send buffer ({budget / 1024} KiB of net.core.wmem_default, judging by the largest recent reply); they were all busy");
    }

    public static UnixDatagramChannel Create(UnixDatagramOptions options)
    {
        var directory = options.ClientSocketDirectory ?? Path.GetTempPath();
        var clientPath = Path.Combine(directory, "opensips-mi-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(clientPath));

            // OpenSIPS usually runs as another user: it needs write access to our socket to answer, nothing more.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(clientPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
            }

            if (!File.Exists(options.SocketPath))
            {
                throw new SocketException((int)SocketError.AddressNotAvailable);
            }

            return new UnixDatagramChannel(socket, clientPath, new UnixDomainSocketEndPoint(options.SocketPath).Serialize(), options.ToUriString());
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            TryDelete(clientPath);
            throw new MiTransportException(
                $"cannot reach OpenSIPS MI at {options.ToUriString()}: {(ex.SocketErrorCode == SocketError.AddressNotAvailable ? "the socket does not exist" : ex.SocketErrorCode.ToString())} (is mi_datagram listening on that socket, and may this user write to it?)",
                ex);
        }
        catch
        {
            socket.Dispose();
            TryDelete(clientPath);
            throw;
        }
    }

    /// <summary><c>net.unix.max_dgram_qlen</c>, or <see cref="DefaultQueueLength"/> where it cannot be read.</summary>
    public static int ReadQueueLength() => ReadSysctl(QueueLengthPath, DefaultQueueLength);

    private static int ReadSysctl(string path, int fallback)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : fallback;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    // .NET has no non-blocking flag for one send, and a blocking send to a unix socket waits while OpenSIPS's own queue
    // is full: the caller's send uses MSG_DONTWAIT, and what does not fit is sent later by DatagramSendQueue.
    public override SocketError Send(ReadOnlySpan<byte> datagram) => SendTo(datagram, MsgDontWait);

    public override SocketError SendWaiting(ReadOnlySpan<byte> datagram) => SendTo(datagram, 0);

    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;

    private unsafe SocketError SendTo(ReadOnlySpan<byte> datagram, int flags)
    {
        var address = _server.Buffer.Span[.._server.Size];
        nint sent;
        fixed (byte* data = datagram)
        fixed (byte* to = address)
        {
            sent = SendTo(Socket.SafeHandle, data, (nuint)datagram.Length, flags, to, (uint)address.Length);
        }

        if (sent >= 0)
        {
            return SocketError.Success;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EAgain ? SocketError.WouldBlock : ToSocketError(errno);
    }

    private static SocketError ToSocketError(int errno) => errno switch
    {
        2 => SocketError.AddressNotAvailable,   // ENOENT: the server socket is gone
        13 or 1 => SocketError.AccessDenied,    // EACCES, EPERM
        111 => SocketError.ConnectionRefused,
        90 => SocketError.MessageSize,
        _ => SocketError.SocketError,
    };

    public override string Describe(SocketError error) => error switch
    {
        SocketError.AddressNotAvailable => $"cannot reach OpenSIPS MI at {Endpoint}: the socket does not exist (any more): is OpenSIPS running with mi_datagram on that socket?",
        SocketError.AccessDenied => $"cannot reach OpenSIPS MI at {Endpoint}: permission denied (may this user write to mi_datagram's socket? see unix_socket_mode/user/group)",
        SocketError.ConnectionRefused => $"cannot reach OpenSIPS MI at {Endpoint}: connection refused (nothing reads that socket: is OpenSIPS running?)",
        _ => base.Describe(error),
    };

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static unsafe partial nint SendTo(SafeSocketHandle socket, byte* buffer, nuint length, int flags, byte* address, uint addressLength);

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            base.Dispose();
            TryDelete(_clientPath);
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
