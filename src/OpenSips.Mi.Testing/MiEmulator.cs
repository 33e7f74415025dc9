using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>
/// An in-process OpenSIPS 3.6.8 (or, with <see cref="MiEmulatorOptions.Dialect"/>, 4.0.1) Management Interface on loopback: mi_datagram (UDP and UNIX), mi_http, mi_xmlrpc_ng and
/// mi_fifo, answering with the bytes a real OpenSIPS sends. Built-in commands work on <see cref="State"/>; tests can add
/// or override commands with <see cref="Handle(string, Func{MiEmulatorRequest, MiEmulatorReply})"/> and inject faults.
/// </summary>
public sealed class MiEmulator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly MiEmulatorOptions _options;
    private readonly CommandRegistry _registry;
    private readonly EmulatorHost _host;
    private readonly DirectoryInfo _tempDirectory;
    private readonly EventDispatcher _events;
    private readonly EmulatedTracer _tracer;
    private DatagramServer? _udp;
    private DatagramServer? _unix;
    private HttpServer? _http;
    private FifoServer? _fifo;
    private IPEndPoint? _udpEndPoint;
    private string? _unixPath;
    private int _disposed;

    private MiEmulator(MiEmulatorOptions options)
    {
        _options = options;
        _registry = new CommandRegistry(options.Dialect);
        var time = options.TimeProvider ?? TimeProvider.System;
        State = new MiEmulatorState(time, options.Dialect);
        _host = new EmulatorHost(new MiCore(_registry, time), Faults, options, _stopping.Token);
        _tempDirectory = Directory.CreateTempSubdirectory("opensips-mi-emu-");
        FifoReplyDirectory = options.FifoReplyDirectory ?? Directory.CreateDirectory(Path.Combine(_tempDirectory.FullName, "replies")).FullName;
        var ctx = new BuiltinContext(_registry, State, time, options);
        CoreCommands.Register(ctx);
        StatisticsCommands.Register(ctx);
        CacheCommands.Register(ctx);
        _events = new EventDispatcher(State, time, _host.LoggerFactory);
        UsrlocCommands.Register(ctx, _events);
        EventCommands.Register(ctx, _events);
        TUacDlgCommand.Register(ctx, () => UacResponder);
        _tracer = new EmulatedTracer(time, _host.LoggerFactory);
        if (options.EnableTracer)
        {
            TracerCommands.Register(ctx, _tracer);
        }
    }

    /// <summary>Starts an emulator with every enabled transport listening.</summary>
    /// <param name="options">Options; null for <see cref="MiEmulatorOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static async Task<MiEmulator> StartAsync(MiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new MiEmulator(options ?? MiEmulatorOptions.Default);
        try
        {
            await emulator.StartTransportsAsync(cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The mi_datagram UDP endpoint (127.0.0.1; an ephemeral port unless <see cref="MiEmulatorOptions.UdpPort"/> is set).</summary>
    public IPEndPoint UdpEndPoint => _udpEndPoint ?? throw Disabled("UDP");

    /// <summary>The mi_datagram UNIX datagram socket path.</summary>
    public string UnixSocketPath => _unixPath ?? throw Disabled("UNIX datagram");

    /// <summary>The mi_http URI, <c>http://127.0.0.1:P/mi</c> (https with <see cref="MiEmulatorOptions.HttpsCertificate"/>).</summary>
    public Uri HttpUri => _http is { } h ? new Uri($"{h.Scheme}://127.0.0.1:{h.Port}/mi") : throw Disabled("HTTP");

    /// <summary>The mi_xmlrpc_ng URI on the same listener, <c>http://127.0.0.1:P/RPC2</c>.</summary>
    public Uri XmlRpcUri => _http is { } h ? new Uri($"{h.Scheme}://127.0.0.1:{h.Port}/RPC2") : throw Disabled("HTTP");

    /// <summary>The mi_fifo server FIFO path.</summary>
    public string FifoPath => _fifo?.Path ?? throw Disabled("FIFO");

    /// <summary>Where reply FIFOs are looked up (mi_fifo <c>reply_dir</c>).</summary>
    public string FifoReplyDirectory { get; }

    /// <summary>The client URI form <c>udp://127.0.0.1:P</c>.</summary>
    public string UdpUri => string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{UdpEndPoint.Port}");

    /// <summary>The client URI form <c>unix:///path</c>.</summary>
    public string UnixUri => "unix://" + UnixSocketPath;

    /// <summary>The client URI form <c>http://127.0.0.1:P/mi</c>.</summary>
    public string HttpUriString => HttpUri.ToString();

    /// <summary>The client URI form <c>xmlrpc+http://127.0.0.1:P/RPC2</c>.</summary>
    public string XmlRpcUriString => "xmlrpc+" + XmlRpcUri;

    /// <summary>The client URI form <c>fifo:///path</c>.</summary>
    public string FifoUri => "fifo://" + FifoPath;

    /// <summary>A snapshot of every request received so far, on every transport, in arrival order.</summary>
    public IReadOnlyList<MiEmulatorRequest> Received => _host.Received;

    /// <summary>Fault-injection rules.</summary>
    public MiEmulatorFaults Faults { get; } = new();

    /// <summary>The emulated server's state (statistics, usrloc, processes, log levels, subscribers).</summary>
    public MiEmulatorState State { get; }

    /// <summary>Answers valid t_uac_dlg requests; null (default) answers <c>408 Request Timeout</c> after <see cref="MiEmulatorOptions.UacTimeout"/>.</summary>
    public MiUacResponder? UacResponder { get; set; }

    /// <summary>Whether a request made the emulated mi_fifo crash (OpenSIPS 3.6.8 segfaults on it, docs/wire-facts.md#fifo-crash); the FIFO is then no longer served.</summary>
    public bool FifoCrashed => FifoCrashCount > 0;

    /// <summary>How many requests would have crashed OpenSIPS over mi_fifo.</summary>
    public int FifoCrashCount => _fifo?.CrashCount ?? 0;

    /// <summary>
    /// Replies mi_datagram dropped because the client's socket could not take them at once, as OpenSIPS drops them (it
    /// sends each reply once, without waiting): on a unix socket, a client with more unread replies than
    /// <c>net.unix.max_dgram_qlen</c> loses the rest.
    /// </summary>
    public int DatagramRepliesDropped => (_udp?.RepliesDropped ?? 0) + (_unix?.RepliesDropped ?? 0);

    /// <summary>How many TCP connections the HTTP listener (mi_http and mi_xmlrpc_ng) has accepted, for checking keep-alive and connection reuse.</summary>
    public int HttpConnectionsAccepted => _http?.AcceptedConnections ?? 0;

    /// <summary>
    /// The tracer module's dynamic destinations (<c>trace_start</c> … <c>trace_stop</c>), in the order <c>trace</c> lists
    /// them. HEP is sent to them for the SIP traffic OpenSIPS receives: with <see cref="MiEmulatorSipUac"/> attached, a
    /// <c>t_uac_dlg</c> request routed through the emulated OpenSIPS itself (its <c>next_hop</c> or Request-URI on one of
    /// <see cref="MiEmulatorSipUac.SocketNames"/>), as with a real server.
    /// </summary>
    public IReadOnlyList<MiTraceDestination> TraceDestinations => _tracer.Destinations;

    /// <summary>Which OpenSIPS release the emulator answers as.</summary>
    public MiEmulatorDialect Dialect => _options.Dialect;

    /// <summary>The command names in <c>which</c> order (4.0 dialect: <c>module:command</c> names).</summary>
    public IReadOnlyList<string> Commands => _registry.Names;

    /// <summary>
    /// Adds or overrides a command with a synchronous handler (an OpenSIPS command keeps its recipes). With the 4.0
    /// dialect, any name the command answers to selects it (<c>ul_dump</c>, <c>usrloc:dump</c> or <c>dump</c>).
    /// </summary>
    /// <param name="command">The command name.</param>
    /// <param name="handler">Builds the reply.</param>
    public void Handle(string command, Func<MiEmulatorRequest, MiEmulatorReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Set(command, null, (r, _) => Task.FromResult(handler(r)), isAsync: false);
    }

    /// <summary>Adds or overrides a command with an asynchronous handler; the reply is sent when the task completes.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="handler">Builds the reply; the token is cancelled when the emulator stops.</param>
    public void Handle(string command, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Set(command, null, handler, isAsync: true);
    }

    /// <summary>Adds or overrides a command with recipes, so parameter errors are answered like OpenSIPS (-32602).</summary>
    /// <param name="command">The command name.</param>
    /// <param name="recipes">The accepted parameter lists and types.</param>
    /// <param name="handler">Builds the reply.</param>
    public void Handle(string command, MiCommandRecipes recipes, Func<MiEmulatorRequest, MiEmulatorReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Set(command, recipes, (r, _) => Task.FromResult(handler(r)), isAsync: false);
    }

    /// <summary>Adds or overrides an asynchronous command with recipes.</summary>
    /// <param name="command">The command name.</param>
    /// <param name="recipes">The accepted parameter lists and types.</param>
    /// <param name="handler">Builds the reply.</param>
    public void Handle(string command, MiCommandRecipes recipes, Func<MiEmulatorRequest, CancellationToken, Task<MiEmulatorReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Set(command, recipes, handler, isAsync: true);
    }

    /// <summary>
    /// Raises an event to its live subscribers as OpenSIPS would (UDP datagram, TCP stream or unix datagram; docs/wire-facts.md#events),
    /// for example <c>RaiseEventAsync("E_UL_CONTACT_INSERT", new JsonObject { ["aor"] = "carol" })</c>. Any name works,
    /// listed in <see cref="MiEmulatorState.Events"/> or not. Completes when it was sent.
    /// </summary>
    /// <param name="eventName">The event name, e.g. <c>E_CORE_THRESHOLD</c>.</param>
    /// <param name="parameters">The event's named parameters; null for <c>{}</c>.</param>
    /// <returns>To how many subscribers it was sent (0 when none is subscribed).</returns>
    public Task<int> RaiseEventAsync(string eventName, System.Text.Json.Nodes.JsonObject? parameters = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return _events.Raise(eventName, EventPayload.Named(parameters));
    }

    /// <summary>Removes a command (it then answers -32601 "Method not found"), under any of its names.</summary>
    /// <param name="command">The command name.</param>
    /// <returns>Whether it existed.</returns>
    public bool Remove(string command) => _registry.Remove(command);

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearReceived() => _host.ClearReceived();

    /// <summary>Stops every transport, waits for in-flight replies, deletes sockets, FIFOs and temporary directories. Idempotent.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_udp is not null)
        {
            await _udp.DisposeAsync().ConfigureAwait(false);
        }

        if (_unix is not null)
        {
            await _unix.DisposeAsync().ConfigureAwait(false);
            if (_options.UnixSocketPath is { Length: > 0 } && _unixPath is not null)
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
        }

        if (_http is not null)
        {
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        if (_fifo is not null)
        {
            await _fifo.DisposeAsync().ConfigureAwait(false);
        }

        await _host.DrainAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
        await _tracer.DisposeAsync().ConfigureAwait(false);
        try
        {
            _tempDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        _stopping.Dispose();
    }

    /// <summary>The emulated tracer, for the SIP UAC that feeds it.</summary>
    internal EmulatedTracer Tracer => _tracer;

    private async Task StartTransportsAsync(CancellationToken cancellationToken)
    {
        if (_options.EnableUdp)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            BindOrExplain(socket, new IPEndPoint(IPAddress.Loopback, CheckPort(_options.UdpPort, nameof(MiEmulatorOptions.UdpPort))), $"mi_datagram to udp://127.0.0.1:{_options.UdpPort ?? 0}");
            _udpEndPoint = (IPEndPoint)socket.LocalEndPoint!;
            _udp = new DatagramServer(socket, socket, MiTransport.Datagram, new IPEndPoint(IPAddress.Any, 0), _host);
            _udp.Start();
        }

        if (_options.EnableUnix)
        {
            var path = _options.UnixSocketPath is { Length: > 0 } given ? Path.GetFullPath(given) : Path.Combine(_tempDirectory.FullName, "mi.sock");
            EnsureFree(path, "mi_datagram UNIX socket");
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            BindOrExplain(socket, new UnixDomainSocketEndPoint(path), $"mi_datagram to unix://{path}");
            _unixPath = path;
            // OpenSIPS answers from an unbound, non-blocking socket (docs/wire-facts.md#dg-unix).
            var reply = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
            _unix = new DatagramServer(socket, reply, MiTransport.Unix, new UnixDomainSocketEndPoint(_unixPath), _host);
            _unix.Start();
        }

        if (_options.EnableHttp)
        {
            var port = CheckPort(_options.HttpPort, nameof(MiEmulatorOptions.HttpPort));
            _http = new HttpServer(_host, port);
            try
            {
                _http.Start();
            }
            catch (SocketException ex)
            {
                throw new IOException($"cannot bind the emulated httpd to 127.0.0.1:{port}: {ex.Message}", ex);
            }
        }

        if (_options.EnableFifo)
        {
            var path = _options.FifoPath is { Length: > 0 } given ? Path.GetFullPath(given) : Path.Combine(_tempDirectory.FullName, "opensips_fifo");
            EnsureFree(path, "mi_fifo FIFO");
            _fifo = new FifoServer(path, FifoReplyDirectory, _host);
            await _fifo.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.Started(_host.LoggerFactory.CreateLogger<MiEmulator>(), string.Join(' ', Endpoints()));
    }

    private static int CheckPort(int? port, string name) => port switch
    {
        null => 0,
        >= 0 and <= 65535 => port.Value,
        _ => throw new ArgumentOutOfRangeException(name, port, "A port is 0 (any free port) to 65535."),
    };

    private static void EnsureFree(string path, string what)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new IOException($"cannot create the emulated {what} at {path}: something already exists there (remove it or choose another path)");
        }
    }

    private static void BindOrExplain(Socket socket, EndPoint endPoint, string what)
    {
        try
        {
            socket.Bind(endPoint);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"cannot bind the emulated {what}: {ex.Message}", ex);
        }
    }

    private IEnumerable<string> Endpoints()
    {
        if (_udp is not null)
        {
            yield return UdpUri;
        }

        if (_unix is not null)
        {
            yield return UnixUri;
        }

        if (_http is not null)
        {
            yield return HttpUriString;
            yield return XmlRpcUriString;
        }

        if (_fifo is not null)
        {
            yield return FifoUri;
        }
    }

    private static InvalidOperationException Disabled(string transport) =>
        new($"{transport} is disabled in MiEmulatorOptions.");
}
