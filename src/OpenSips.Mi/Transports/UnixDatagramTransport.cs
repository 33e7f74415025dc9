using System.Net.Sockets;
using System.Security.Cryptography;

namespace OpenSips.Mi;

/// <summary>
/// mi_datagram over a unix datagram socket. OpenSIPS answers to the sender's address, so the client binds a private
/// socket file (unpredictable name, removed on dispose and on failure) before it sends anything (fact 20).
/// </summary>
internal sealed class UnixDatagramTransport : IDatagramTransport
{
    private readonly Socket _socket;
    private readonly string _clientPath;
    private int _disposed;

    private UnixDatagramTransport(Socket socket, string clientPath, string endpoint)
    {
        _socket = socket;
        _clientPath = clientPath;
        Endpoint = endpoint;
    }

    public string Name => "mi_datagram";

    public string Endpoint { get; }

    public int MaxRequestBytes => DatagramOptions.MaxRequestBytes;

    public string RequestLimitAdvice => "use mi_http or mi_fifo for large requests, or split the work into several commands";

    public static UnixDatagramTransport Create(UnixDatagramOptions options)
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

            socket.ReceiveBufferSize = Math.Max(socket.ReceiveBufferSize, 1 << 20);
            socket.Connect(new UnixDomainSocketEndPoint(options.SocketPath));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            TryDelete(clientPath);
            throw new MiTransportException(
                $"cannot reach OpenSIPS MI at {options.ToUriString()}: {ex.SocketErrorCode} (is mi_datagram listening on that socket, and may this user write to it?)",
                ex);
        }
        catch
        {
            socket.Dispose();
            TryDelete(clientPath);
            throw;
        }

        return new UnixDatagramTransport(socket, clientPath, options.ToUriString());
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) =>
        await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            TryDelete(_clientPath);
        }

        return ValueTask.CompletedTask;
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
