using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>What mi_http / mi_xmlrpc_ng decided: a 200 with <see cref="Body"/>, a never-ending <see cref="Status"/>, or silence.</summary>
internal sealed record HttpOutcome(string? Status, byte[]? Body);

/// <summary>The emulated httpd on a raw TCP listener (127.0.0.1, ephemeral port) serving <c>/mi</c> and <c>/RPC2</c>.</summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly EmulatorHost _host;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly List<Socket> _connections = [];
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private int _accepted;

    public HttpServer(EmulatorHost host, int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _host = host;
        _logger = host.LoggerFactory.CreateLogger<HttpServer>();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many TCP connections were accepted so far.</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    public string Scheme => _host.Options.HttpsCertificate is null ? "http" : "https";

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_host.Stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_host.Stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            socket.NoDelay = true;
            lock (_gate)
            {
                _connections.Add(socket);
            }

            _host.Track(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_host.Options.HttpsCertificate is { } certificate)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _host.Stopping).ConfigureAwait(false);
            }

            await new HttpConnection(stream, this, _host).RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            Log.SendFailed(_logger, MiTransport.Http, ex);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _connections.Remove(socket);
            }
        }
    }

    /// <summary>Runs one MI request; with one httpd process every request waits for the one before (docs/wire-facts.md#http-single-process).</summary>
    public async Task<HttpOutcome> ProcessAsync(MiEmulatorRequest request, bool isXml, CancellationToken ct)
    {
        var serialize = _host.Options.HttpSerializesAsyncCommands;
        if (serialize)
        {
            await _serial.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            return isXml ? await XmlRpcAsync(request, ct).ConfigureAwait(false) : await JsonAsync(request, ct).ConfigureAwait(false);
        }
        finally
        {
            if (serialize)
            {
                _serial.Release();
            }
        }
    }

    private async Task<HttpOutcome> JsonAsync(MiEmulatorRequest request, CancellationToken ct)
    {
        var tree = MiCore.Parse(request, out var parsed);
        if (!parsed)
        {
            return new HttpOutcome(null, JsonRpcWriter.ParseError());
        }

        var result = await _host.Core.DispatchJsonAsync(request, tree, ct).ConfigureAwait(false);
        return result.Kind switch
        {
            DispatchKind.Reply => new HttpOutcome(null, JsonRpcWriter.Write(result.Reply!, result.Id)),
            DispatchKind.InternalError => new HttpOutcome("500 Internal Server Error", null),
            DispatchKind.ParseError => new HttpOutcome(null, JsonRpcWriter.ParseError()),
            _ when result.IsNotification => new HttpOutcome("202 Accepted", null),
            _ => new HttpOutcome(null, null),
        };
    }

    private async Task<HttpOutcome> XmlRpcAsync(MiEmulatorRequest request, CancellationToken ct)
    {
        var fault = XmlRpcRequestReader.Read(request);
        if (fault is not null)
        {
            return new HttpOutcome(null, XmlRpcWriter.Write(fault));
        }

        var reply = await _host.Core.ExecuteAsync(request, ct).ConfigureAwait(false);
        return reply.Kind == MiEmulatorReplyKind.NoReply
            ? new HttpOutcome(null, null)
            : new HttpOutcome(null, XmlRpcWriter.Write(reply));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        lock (_gate)
        {
            foreach (var s in _connections)
            {
                s.Dispose();
            }
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutdown.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        _listener.Dispose();
        _serial.Dispose();
    }
}
