using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>
/// event_datagram: one JSON-RPC notification per datagram, over UDP (sent from an ephemeral port, docs/wire-facts.md#ev-datagram) or a unix
/// datagram socket. UDP senders whose address the <see cref="SourceFilter"/> refuses are ignored.
/// </summary>
internal sealed class DatagramEventListener : IEventListener
{
    private readonly Socket _socket;
    private readonly EndPoint _template;
    private readonly SourceFilter _filter;
    private readonly string? _unixPath;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private DatagramEventListener(Socket socket, EndPoint template, SourceFilter filter, string? unixPath)
    {
        _socket = socket;
        _template = template;
        _filter = filter;
        _unixPath = unixPath;
        LocalEndPoint = socket.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    public static DatagramEventListener BindUdp(IPEndPoint bind, SourceFilter filter)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Bursts (a REGISTER storm) should wait in the kernel rather than be lost before we read them.
            socket.ReceiveBufferSize = 1024 * 1024;
            socket.Bind(bind);
            var any = bind.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            return new DatagramEventListener(socket, new IPEndPoint(any, 0), filter, null);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MiTransportException($"Could not bind the UDP event listener to {bind}: {ex.Message}", ex);
        }
    }

    public static DatagramEventListener BindUnix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return new DatagramEventListener(socket, new UnixDomainSocketEndPoint(path), new SourceFilter(null), path);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            var hint = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? " (the path exists: remove a stale socket file first)" : string.Empty;
            throw new MiTransportException($"Could not bind the unix event listener to {path}: {ex.Message}{hint}", ex);
        }
    }

    public void Start(IEventSink sink) => _loop = Task.Run(() => ReceiveLoopAsync(sink));

    private async Task ReceiveLoopAsync(IEventSink sink)
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
                    sink.OnFailed(new MiTransportException($"The event listener on {LocalEndPoint} failed: {ex.Message}", ex));
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
