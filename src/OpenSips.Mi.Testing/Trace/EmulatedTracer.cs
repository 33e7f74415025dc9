using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>
/// The tracer module's dynamic destinations (<c>trace_start</c>, <c>trace_stop</c>, <c>trace</c>) with proto_hep sending
/// HEP for them, as OpenSIPS 3.6.8 does: a destination is chosen when a request is RECEIVED (caller, callee and ip
/// filters all matching), and then, per its scope, that request alone (<c>m</c>), its whole transaction (<c>t</c>), or
/// the dialog an initial INVITE starts (<c>d</c>, the default) is sent to it. HEP goes over UDP from one local socket, or
/// over a TCP connection per destination; a destination that cannot be reached loses its packets (logged), SIP never
/// waits for it.
/// </summary>
internal sealed class EmulatedTracer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _dynamic = [];
    private readonly Dictionary<IPEndPoint, TcpLink> _tcp = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Socket? _udp;
    private bool _globalOn = true;

    public EmulatedTracer(TimeProvider time, ILoggerFactory loggerFactory)
    {
        _time = time;
        _logger = loggerFactory.CreateLogger<EmulatedTracer>();
    }

    /// <summary>The dynamic destinations in the order <c>trace</c> lists them.</summary>
    public IReadOnlyList<MiTraceDestination> Destinations
    {
        get
        {
            lock (_gate)
            {
                return _dynamic.Select(e => e.Info).ToArray();
            }
        }
    }

    /// <summary>The local address HEP over UDP is sent from (null until the first packet).</summary>
    public IPEndPoint? UdpSource => _udp?.LocalEndPoint as IPEndPoint;

    public MiEmulatorReply Start(MiEmulatorRequest r)
    {
        var name = r.GetString("id", 0) ?? string.Empty;
        var uri = r.GetString("uri", 1) ?? string.Empty;
        var kind = uri.Length > 3 && uri.StartsWith("hep", StringComparison.OrdinalIgnoreCase) ? "HEP"
            : uri.Length > 3 && uri.StartsWith("sip", StringComparison.OrdinalIgnoreCase) ? "SIP"
            : null;
        if (kind is null && (uri.StartsWith("file", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("syslog", StringComparison.OrdinalIgnoreCase)))
        {
            // Not emulated; what OpenSIPS 3.6.8 answers when it cannot open the file or parse the facility.
            return MiEmulatorReply.Error(-32000, "Server error", "Command handler returned null");
        }

        if (kind is null)
        {
            // The tracer takes anything else for a database URL.
            return MiEmulatorReply.Error(406, "DB not acceptable", "dynamic DB tracing is not yet available");
        }

        var scope = ParseScope(r.GetString("scope", 3));
        var tracesSip = TracesSip(r.GetString("type", 4));
        var filters = ParseFilters(r.Param("filter", 2));
        lock (_gate)
        {
            if (_dynamic.Any(e => e.Info.Name == name && e.OriginalUri == uri))
            {
                return MiEmulatorReply.Error(500, "Bad parameter value", "dynamic trace id already used");
            }

            MiTraceDestination info;
            IPEndPoint? target = null;
            if (kind == "HEP")
            {
                if (_dynamic.Any(e => e.Info.Name == name && e.Info.Type == "HEP") || HepUri.Parse(uri[4..]) is not { } hep)
                {
                    return MiEmulatorReply.Error(500, "Bad parameter value", "error while alocating new hep_id");
                }

                target = hep.Target;
                info = new MiTraceDestination(name, "HEP", hep.HostPort, hep.Transport, hep.Version, filters.Select(f => f.Text).ToArray(), scope, tracesSip);
            }
            else
            {
                var hostPort = uri[4..].Split(';')[0];
                info = new MiTraceDestination(name, "SIP", hostPort.Contains(':', StringComparison.Ordinal) ? hostPort : hostPort + ":", null, 0, filters.Select(f => f.Text).ToArray(), scope, tracesSip);
            }

            // Newest first, then ordered by the hash of the name, as the tracer's list is.
            _dynamic.Insert(0, new Entry(info, uri, target, filters, CoreHash.Of(name)));
            var sorted = _dynamic.OrderBy(e => e.Hash).ToList();
            _dynamic.Clear();
            _dynamic.AddRange(sorted);
        }

        return MiEmulatorReply.Ok;
    }

    public MiEmulatorReply Stop(MiEmulatorRequest r)
    {
        var name = r.GetString("id", 0) ?? string.Empty;
        lock (_gate)
        {
            return _dynamic.RemoveAll(e => e.Info.Name == name) > 0 ? MiEmulatorReply.Ok : MiEmulatorReply.Error(400, "Bad parameter value");
        }
    }

    public MiEmulatorReply Dump(MiEmulatorRequest r)
    {
        var id = r.GetString("id");
        var mode = r.GetString("mode");
        if (mode is not null)
        {
            var on = mode.Equals("on", StringComparison.OrdinalIgnoreCase);
            if (!on && !mode.Equals("off", StringComparison.OrdinalIgnoreCase))
            {
                return MiEmulatorReply.Error(500, "Bad parameter value", "trace mode should be 'on' or 'off'");
            }

            if (id is not null)
            {
                // Only the module's static trace ids can be switched; the emulator has none.
                return MiEmulatorReply.Error(400, "Bad parameter value");
            }

            // The global switch does not stop dynamic destinations (checked on OpenSIPS 3.6.8).
            lock (_gate)
            {
                _globalOn = on;
            }

            return MiEmulatorReply.Ok;
        }

        lock (_gate)
        {
            var listed = _dynamic.Where(e => id is null || e.Info.Name == id).Select(Describe).ToArray();
            if (id is not null && listed.Length == 0)
            {
                return MiEmulatorReply.Error(400, "Bad trace id value");
            }

            var result = new JsonObject();
            if (id is null)
            {
                result["global"] = _globalOn ? "on" : "off";
            }

            result["trace destinations"] = new JsonArray(listed);
            return MiEmulatorReply.Result(result);
        }
    }

    /// <summary>
    /// The destinations a request OpenSIPS just received is traced to (those whose filters all match and whose scope
    /// covers it); empty when none. They keep tracing that request's transaction even if stopped meanwhile, as in
    /// OpenSIPS (reference counted).
    /// </summary>
    public IReadOnlyList<Entry> Match(TracedRequest request)
    {
        lock (_gate)
        {
            return _dynamic
                .Where(e => e.Info.Scope.Length > 0 && (e.Info.Scope != "d" || request.IsInitialInvite) && e.Filters.All(f => f.Matches(request)))
                .ToArray();
        }
    }

    /// <summary>Sends one SIP message to the destinations (HEP ones that trace SIP); never blocks on them.</summary>
    public void Send(IEnumerable<Entry> destinations, byte[] sip, IPEndPoint from, IPEndPoint to, string? callId)
    {
        foreach (var entry in destinations)
        {
            var destination = entry.Info;
            if (destination.Type != "HEP" || !destination.TracesSip || entry.Target is not { } target)
            {
                continue;
            }

            var now = _time.GetUtcNow();
            var packet = destination.HepVersion == 3
                ? HepEncoder.Hep3(sip, from, to, now, callId)
                : HepEncoder.Hep12(destination.HepVersion, sip, from, to, now);
            if (destination.Transport == "tcp")
            {
                Link(target).Enqueue(packet);
            }
            else
            {
                SendUdp(packet, target);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        TcpLink[] links;
        lock (_gate)
        {
            links = [.. _tcp.Values];
            _tcp.Clear();
            _udp?.Dispose();
        }

        foreach (var link in links)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>The tracer's <c>st_parse_flags</c>: the last of m/t/d/b wins (m never overrides, t never overrides d); an invalid character makes a scope that traces nothing.</summary>
    internal static string ParseScope(string? scope)
    {
        var flags = string.Empty;
        foreach (var c in scope ?? string.Empty)
        {
            switch (char.ToLowerInvariant(c))
            {
                case 'm':
                    flags = flags.Length == 0 ? "m" : flags;
                    break;
                case 't':
                    flags = flags == "d" ? flags : "t";
                    break;
                case 'd':
                    flags = "d";
                    break;
                case 'b':
                    flags = "b";
                    break;
                case ' ':
                    break;
                default:
                    return string.Empty;
            }
        }

        return flags.Length == 0 ? "d" : flags;
    }

    /// <summary>The tracer's <c>st_parse_types</c>: tokens split by '|', a known name as a prefix counts; none known means everything.</summary>
    private static bool TracesSip(string? type)
    {
        if (type is null)
        {
            return true;
        }

        var known = type.Split('|').Select(t => t.Trim()).Where(t => t.StartsWith("sip", StringComparison.Ordinal) || t.StartsWith("xlog", StringComparison.Ordinal) || t.StartsWith("rest", StringComparison.Ordinal)).ToArray();
        return known.Length == 0 || known.Any(t => t.StartsWith("sip", StringComparison.Ordinal));
    }

    /// <summary>The tracer's <c>parse_trace_filters</c>: strings of an array, unknown kinds and bad IPs skipped; the list keeps the last first.</summary>
    private static List<TraceFilter> ParseFilters(JsonNode? node)
    {
        var filters = new List<TraceFilter>();
        if (node is not JsonArray array)
        {
            return filters;
        }

        foreach (var item in array)
        {
            if (ParamValues.AsString(item) is { } text && TraceFilter.Parse(text) is { } filter)
            {
                filters.Insert(0, filter);
            }
        }

        return filters;
    }

    private static JsonNode Describe(Entry e)
    {
        var item = new JsonObject { ["name"] = e.Info.Name, ["type"] = e.Info.Type, ["uri"] = e.Info.Uri, ["state"] = "dynamic" };
        if (e.Filters.Count > 0)
        {
            item["filters"] = new JsonArray(e.Filters.Select(f => (JsonNode)new JsonObject { [f.Kind] = f.Value }).ToArray());
        }

        return item;
    }

    private void SendUdp(byte[] packet, IPEndPoint target)
    {
        try
        {
            Socket udp;
            lock (_gate)
            {
                if (_udp is null)
                {
                    _udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                }

                udp = _udp;
            }

            udp.SendTo(packet, target);
        }
        catch (SocketException ex)
        {
            TraceLog.SendFailed(_logger, target.ToString(), ex);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private TcpLink Link(IPEndPoint target)
    {
        lock (_gate)
        {
            if (!_tcp.TryGetValue(target, out var link))
            {
                link = new TcpLink(target, _logger, _stopping.Token);
                _tcp[target] = link;
            }

            return link;
        }
    }

    /// <summary>A destination and where its HEP goes.</summary>
    internal sealed record Entry(MiTraceDestination Info, string OriginalUri, IPEndPoint? Target, IReadOnlyList<TraceFilter> Filters, uint Hash);

    /// <summary>One TCP connection to a HEP destination, opened on the first packet and again after a failure; packets wait in order.</summary>
    private sealed class TcpLink : IAsyncDisposable
    {
        private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        private readonly IPEndPoint _target;
        private readonly ILogger _logger;
        private readonly Task _writer;

        public TcpLink(IPEndPoint target, ILogger logger, CancellationToken stopping)
        {
            _target = target;
            _logger = logger;
            _writer = Task.Run(() => WriteLoopAsync(stopping), CancellationToken.None);
        }

        public void Enqueue(byte[] packet) => _queue.Writer.TryWrite(packet);

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
        }

        private async Task WriteLoopAsync(CancellationToken stopping)
        {
            Socket? socket = null;
            try
            {
                await foreach (var packet in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
                {
                    try
                    {
                        if (socket is null)
                        {
                            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                            using var connect = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                            connect.CancelAfter(TimeSpan.FromSeconds(2));
                            await socket.ConnectAsync(_target, connect.Token).ConfigureAwait(false);
                        }

                        await socket.SendAsync(packet, SocketFlags.None, stopping).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException && !stopping.IsCancellationRequested)
                    {
                        TraceLog.SendFailed(_logger, _target.ToString(), ex);
                        socket?.Dispose();
                        socket = null;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                socket?.Dispose();
            }
        }
    }
}
