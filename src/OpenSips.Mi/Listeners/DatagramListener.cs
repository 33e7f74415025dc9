using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// One payload per datagram, over UDP or a unix datagram socket: event_datagram (one JSON-RPC notification, sent from an
/// ephemeral port of the server, docs/wire-facts.md#ev-datagram) and proto_hep over UDP (one HEP packet). UDP senders
/// whose address the <see cref="SourceFilter"/> refuses are ignored.
/// </summary>
internal sealed class DatagramListener : IListener
{
    private readonly Socket _socket;
    private readonly EndPoint _template;
    private readonly SourceFilter _filter;
    private readonly string? _unixPath;
    private readonly string _what;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private DatagramListener(Socket socket, EndPoint template, SourceFilter filter, string? unixPath, string what)
    {
        _what = what;
        _socket = socket;
        _template = template;
        _filter = filter;
        _unixPath = unixPath;
        LocalEndPoint = socket.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    /// <param name="bind">The address to bind.</param>
    /// <param name="filter">Who may send.</param>
    /// <param name="what">Names the listener in errors, e.g. <c>event</c> or <c>HEP</c>.</param>
    public static DatagramListener BindUdp(IPEndPoint bind, SourceFilter filter, string what)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Bursts (a REGISTER storm) should wait in the kernel rather than be lost before we read them.
            socket.ReceiveBufferSize = 1024 * 1024;
            socket.Bind(bind);
            var any = bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            return new DatagramListener(socket, new IPEndPoint(any, 0), filter, null, what);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MiTransportException($"Could not bind the UDP {what} listener to {bind}: {ex.Message}", ex);
        }
    }

    public static DatagramListener BindUnix(string path, string what)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return new DatagramListener(socket, new UnixDomainSocketEndPoint(path), new SourceFilter(null), path, what);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var hint = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? " (the path exists: remove a stale socket file first)" : string.Empty;
            throw new MiTransportException($"Could not bind the unix {what} listener to {path}: {ex.Message}{hint}", ex);
        }
    }

    public void Start(IListenerSink sink) => _loop = Task.Run(() => ReceiveLoopAsync(sink));

    private async Task ReceiveLoopAsync(IListenerSink sink)
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _template, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (SocketException ex)
            {
                if (!_stop.IsCancellationRequested)
                {
                    sink.OnFailed(new MiTransportException($"The {_what} listener on {LocalEndPoint} failed: {ex.Message}", ex));
                }

                return;
            }

            var source = Describe(received.RemoteEndPoint);
            if (received.RemoteEndPoint is IPEndPoint ip && !_filter.Accepts(ip.Address))
            {
                sink.OnRejected(source);
                continue;
            }

            if (received.ReceivedBytes == 0)
            {
                sink.OnMalformed(source, "empty datagram");
                continue;
            }

            sink.OnPayload(buffer.AsMemory(0, received.ReceivedBytes), source);
        }
    }

    private static string Describe(EndPoint from) => from switch
    {
        IPEndPoint ip => "udp:" + EventSocketAddress.FormatHostPort(ip.Address.ToString(), ip.Port),
        _ => string.IsNullOrEmpty(from.ToString()) ? "unix:" : "unix:" + from,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_unixPath is not null)
        {
            try
            {
                File.Delete(_unixPath);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        _stop.Dispose();
    }
}
