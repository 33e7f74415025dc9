using System.Net.Sockets;
using System.Security.Cryptography;

namespace OpenSips.Mi;

/// <summary>
/// mi_datagram over a unix datagram socket. OpenSIPS answers to the sender's address, so the client binds a private
/// socket file (unpredictable name, removed on dispose and on failure) before it sends anything (docs/wire-facts.md#dg-unix).
/// </summary>
internal sealed class UnixDatagramTransport : IDatagramTransport
{
    private readonly Socket _socket;
    private readonly string _clientPath;
    private readonly UnixDomainSocketEndPoint _server;
    private int _disposed;

    private UnixDatagramTransport(Socket socket, string clientPath, UnixDomainSocketEndPoint server, string endpoint)
    {
        _socket = socket;
        _server = server;
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

            // Not connected: OpenSIPS answers from an unbound socket (docs/wire-facts.md#dg-unix), which a connected socket would filter out.
            if (!File.Exists(options.SocketPath))
            {
                throw new SocketException((int)SocketError.AddressNotAvailable);
            }
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

        return new UnixDatagramTransport(socket, clientPath, new UnixDomainSocketEndPoint(options.SocketPath), options.ToUriString());
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(datagram, SocketFlags.None, _server, cancellationToken).ConfigureAwait(false);

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
