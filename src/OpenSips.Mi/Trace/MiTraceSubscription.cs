using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenSips.Mi.Trace;

/// <summary>
/// A live SIP trace: a dynamic tracing destination in OpenSIPS (<c>trace_start</c>) and the HEP3 listener its messages
/// arrive on. Created by <see cref="MiClientTraceExtensions.TraceAsync"/>; read it with <see cref="ReadAllAsync"/>;
/// dispose it to send <c>trace_stop</c> and close the listener.
/// </summary>
/// <remarks>
/// <para>The stream ends normally only when the trace is disposed. If the listener's socket fails, the stream ends with
/// that <see cref="MiTransportException"/>. It never ends silently.</para>
/// <para>Backpressure: messages wait in a buffer of <see cref="MiTraceOptions.Capacity"/>; when it is full the oldest
/// is dropped and counted in <see cref="DroppedCount"/>. Packets that are not HEP3 (HEPv1/v2 included) are counted in
/// <see cref="MalformedCount"/> and skipped; the stream goes on.</para>
/// <para>A dynamic trace does not survive an OpenSIPS restart, and OpenSIPS keeps it until <c>trace_stop</c>: a process
/// that dies without disposing leaves it sending to a closed port (<c>opensips-mi trace_stop ID</c> removes it).</para>
/// </remarks>
public sealed class MiTraceSubscription : IAsyncDisposable
{
    private readonly MiClient _client;
    private readonly MiTraceOptions _options;
    private readonly IListener _listener;
    private readonly BoundedFeed<SipTraceMessage> _feed;
    private readonly ILogger _logger;
    private long _ignored;
    private int _started;
    private int _disposed;

    private MiTraceSubscription(MiClient client, MiTraceOptions options, IListener listener, string id, string uri, MiTraceTransport transport, IReadOnlyList<string> filters, ILogger logger)
    {
        _client = client;
        _options = options;
        _listener = listener;
        _logger = logger;
        Id = id;
        Uri = uri;
        Transport = transport;
        Filters = filters;
        _feed = new BoundedFeed<SipTraceMessage>(options.Capacity, OnDropped);
    }

    /// <summary>The trace id given to <c>trace_start</c> (what <c>trace</c> lists and <c>trace_stop</c> takes).</summary>
    public string Id { get; }

    /// <summary>The HEP destination given to OpenSIPS, e.g. <c>hep:127.0.0.1:40123;transport=udp;version=3</c>.</summary>
    public string Uri { get; }

    /// <summary>How HEP arrives.</summary>
    public MiTraceTransport Transport { get; }

    /// <summary>The filters given to <c>trace_start</c>, e.g. <c>caller=alice</c>, <c>ip=10.0.0.7</c> (empty: every request).</summary>
    public IReadOnlyList<string> Filters { get; }

    /// <summary>The scope given to <c>trace_start</c>.</summary>
    public MiTraceScope Scope => _options.Scope;

    /// <summary>The address the listener is bound to (the real port when 0 was asked).</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>SIP messages received and decoded (including ones dropped later because the reader was slow).</summary>
    public long ReceivedCount => _feed.ReceivedCount;

    /// <summary>SIP messages dropped because the buffer was full (the oldest one goes first).</summary>
    public long DroppedCount => _feed.DroppedCount;

    /// <summary>Packets or stream bytes that were not a HEP3 SIP trace (bad chunks, HEPv1/v2, junk, cut packets); logged and skipped.</summary>
    public long MalformedCount => _feed.MalformedCount;

    /// <summary>Datagrams or connections ignored because the sender is not allowed (see <see cref="MiTraceOptions.AllowedSources"/>).</summary>
    public long RejectedCount => _feed.RejectedCount;

    /// <summary>Valid HEP3 packets that carry no SIP message (keep-alives, another protocol type such as logs).</summary>
    public long IgnoredCount => Interlocked.Read(ref _ignored);

    /// <summary>
    /// The messages as they arrive, until the trace is disposed (then the enumeration ends) or its listener fails (then
    /// it throws <see cref="MiTransportException"/>). Meant for one reader: several readers share the messages.
    /// </summary>
    /// <param name="cancellationToken">Stops this enumeration (the trace stays alive).</param>
    /// <returns>The messages.</returns>
    public IAsyncEnumerable<SipTraceMessage> ReadAllAsync(CancellationToken cancellationToken = default) => _feed.ReadAllAsync(cancellationToken);

    /// <summary>Takes a buffered message without waiting.</summary>
    /// <param name="message">The message.</param>
    /// <returns>Whether one was buffered.</returns>
    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipTraceMessage? message) => _feed.TryRead(out message);

    internal static async Task<MiTraceSubscription> CreateAsync(MiClient client, MiTraceOptions options, CancellationToken cancellationToken)
    {
        var address = HepListenAddress.Parse(options.Listen);
        var logger = options.LoggerFactory?.CreateLogger<MiTraceSubscription>() ?? (ILogger)NullLogger.Instance;
        if (options.AdvertisedHost is null && address.Bind.Address.Equals(IPAddress.Any))
        {
            throw new ArgumentException(
                "The HEP listener binds 0.0.0.0, which OpenSIPS cannot send to: set MiTraceOptions.AdvertisedHost to the address OpenSIPS should use.",
                nameof(options));
        }

        var allowed = options.AllowedSources
            ?? await ServerAddresses.ResolveAsync(client, (host, ex) => TraceLog.SourceCheckDisabled(logger, host, ex), cancellationToken).ConfigureAwait(false);
        var filter = new SourceFilter(allowed);
        IListener listener = address.Transport == MiTraceTransport.Udp
            ? DatagramListener.BindUdp(address.Bind, filter, "HEP")
            : StreamListener.Bind(address.Bind, filter, () => new HepStreamFramer(), "HEP");
        MiTraceSubscription? trace = null;
        try
        {
            var uri = address.Uri(listener.LocalEndPoint, options.AdvertisedHost, options.AdvertisedPort);
            var id = options.Id ?? "opensips-mi-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            trace = new MiTraceSubscription(client, options, listener, id, uri, address.Transport, TraceFilters.Build(options), logger);
            var log = new FeedLog(
                (source, bytes, reason) => TraceLog.Malformed(logger, source, bytes, reason),
                source => TraceLog.Rejected(logger, source),
                ex => TraceLog.ListenerFailed(logger, id, ex));
            listener.Start(new FeedSink<SipTraceMessage>(trace._feed, trace.OnPayload, log));
            await trace.StartAsync(cancellationToken).ConfigureAwait(false);
            return trace;
        }
        catch
        {
            if (trace is not null)
            {
                await trace.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Sends <c>trace_stop</c> (when <c>trace_start</c> succeeded), closes the listener and ends
    /// <see cref="ReadAllAsync"/>. Bounded by <see cref="MiTraceOptions.DisposeTimeout"/>; failures are logged, never
    /// thrown. Idempotent.
    /// </summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var bound = new CancellationTokenSource(_options.DisposeTimeout);
        if (Volatile.Read(ref _started) != 0)
        {
            try
            {
                var response = await _client.CommandAsync("trace_stop", MiParams.Named(("id", Id)), null, bound.Token).ConfigureAwait(false);
                response.EnsureSuccess();
                TraceLog.Stopped(_logger, Id);
            }
#pragma warning disable CA1031 // Best effort: the failure is logged and the listener is closed anyway.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                TraceLog.StopFailed(_logger, Id, Uri, ex);
            }
        }

        try
        {
            await _listener.DisposeAsync().AsTask().WaitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _feed.Complete();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var filters = new MiValue[Filters.Count];
        for (var i = 0; i < filters.Length; i++)
        {
            filters[i] = Filters[i];
        }

        var scope = TraceFilters.ScopeFlag(_options.Scope);
        var parameters = MiParams.Named(("id", Id), ("uri", Uri), ("filter", MiValue.Array(filters)), ("scope", scope), ("type", "sip"));
        MiResponse response;
        try
        {
            response = await _client.CommandAsync("trace_start", parameters, null, cancellationToken).ConfigureAwait(false);
        }
        catch (MiTimeoutException)
        {
            // OpenSIPS may have started it and answered late: dispose then sends trace_stop anyway (best effort).
            Volatile.Write(ref _started, 1);
            throw;
        }

        response.EnsureSuccess();
        Volatile.Write(ref _started, 1);
        TraceLog.Started(_logger, Id, Uri, scope, Filters.Count == 0 ? "none" : string.Join(' ', Filters));
    }

    private void OnDropped(long count)
    {
        if (count == 1 || count % 1000 == 0)
        {
            TraceLog.Dropped(_logger, count, _options.Capacity);
        }
    }

    private void OnPayload(ReadOnlyMemory<byte> payload, string source)
    {
        string? reason;
        if (HepDecoder.TryDecode(payload.Span, out var packet, out reason)
            && SipTraceMessage.FromHep(packet, _options.TimeProvider.GetUtcNow(), source, out reason) is { } message)
        {
            _feed.Write(message);
            return;
        }

        if (reason is null)
        {
            Interlocked.Increment(ref _ignored);
            return;
        }

        _feed.CountMalformed();
        TraceLog.Malformed(_logger, source, payload.Length, reason);
    }
}
