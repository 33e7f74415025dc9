using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OpenSips.Mi;

/// <summary>
/// A live subscription to OpenSIPS events (<c>event_subscribe</c>) and the listener they arrive on. Created by
/// <see cref="MiClientEventExtensions.SubscribeAsync(MiClient, string, MiSubscriptionOptions?, CancellationToken)"/>;
/// read it with <see cref="ReadAllAsync"/>; dispose it to unsubscribe (expire 0) and close the listener.
/// </summary>
/// <remarks>
/// <para>The subscription is refreshed before it lapses (re-subscribing the same socket refreshes it in OpenSIPS). A
/// failed refresh raises <see cref="RefreshFailed"/>, is logged, and is retried with a doubling delay until it works
/// or the subscription is disposed; the stream keeps running meanwhile (events resume once a refresh succeeds).</para>
/// <para>The stream ends normally only when the subscription is disposed. If the listener's socket fails, the stream
/// ends with that <see cref="MiTransportException"/>. It never ends silently.</para>
/// <para>Backpressure: events wait in a buffer of <see cref="MiSubscriptionOptions.Capacity"/>; when it is full the
/// oldest is dropped and counted in <see cref="DroppedCount"/>.</para>
/// </remarks>
public sealed class MiSubscription : IAsyncDisposable
{
    private readonly MiClient _client;
    private readonly MiSubscriptionOptions _options;
    private readonly IListener _listener;
    private readonly BoundedFeed<MiEvent> _feed;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly string _eventList;
    private readonly int _expireSeconds;
    private ITimer? _timer;
    private Task _refresh = Task.CompletedTask;
    private TimeSpan _backoff;
    private int _failures;
    private int _refreshing;
    private int _disposed;
    private long _expiresAtTicks;
    private Exception? _lastRefreshError;

    private MiSubscription(MiClient client, IReadOnlyList<string> events, MiSubscriptionOptions options, IListener listener, string socket, MiEventListenerKind kind, ILogger logger)
    {
        _client = client;
        Events = events;
        _options = options;
        _listener = listener;
        Socket = socket;
        ListenerKind = kind;
        _logger = logger;
        _eventList = string.Join(',', events);
        _expireSeconds = (int)Math.Floor(options.Expire.TotalSeconds);
        _backoff = options.RetryDelay;
        _feed = new BoundedFeed<MiEvent>(options.Capacity, OnDropped);
    }

    /// <summary>A refresh failed (the argument says why and when it is retried). Raised on a timer thread; handlers must not block.</summary>
    public event EventHandler<MiSubscriptionRefreshFailedEventArgs>? RefreshFailed;

    /// <summary>A refresh succeeded (the next one is already scheduled). Raised on a timer thread.</summary>
    public event EventHandler? Refreshed;

    /// <summary>The subscribed event names, e.g. <c>E_UL_CONTACT_INSERT</c>.</summary>
    public IReadOnlyList<string> Events { get; }

    /// <summary>The socket given to OpenSIPS, e.g. <c>udp:127.0.0.1:40123</c>, <c>tcp:127.0.0.1:40123/method</c> or <c>unix:/run/app/ev.sock</c>.</summary>
    public string Socket { get; }

    /// <summary>The listener kind.</summary>
    public MiEventListenerKind ListenerKind { get; }

    /// <summary>The address the listener is bound to (the real port when 0 was asked).</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Events received and parsed (including ones dropped later because the reader was slow).</summary>
    public long ReceivedCount => _feed.ReceivedCount;

    /// <summary>Events dropped because the buffer was full (the oldest one goes first).</summary>
    public long DroppedCount => _feed.DroppedCount;

    /// <summary>Payloads that were not a JSON-RPC notification (bad JSON, no method, stream junk, a cut object); logged and skipped.</summary>
    public long MalformedCount => _feed.MalformedCount;

    /// <summary>Datagrams or connections ignored because the sender is not allowed (see <see cref="MiSubscriptionOptions.AllowedSources"/>).</summary>
    public long RejectedCount => _feed.RejectedCount;

    /// <summary>When OpenSIPS drops the subscription unless it is refreshed (the subscription's clock).</summary>
    public DateTimeOffset ExpiresAt => new(Interlocked.Read(ref _expiresAtTicks), TimeSpan.Zero);

    /// <summary>The error of the last refresh when it failed; null after a successful one.</summary>
    public Exception? LastRefreshError => Volatile.Read(ref _lastRefreshError);

    /// <summary>
    /// The events as they arrive, until the subscription is disposed (then the enumeration ends) or its listener fails
    /// (then it throws <see cref="MiTransportException"/>). Meant for one reader: several readers share the events.
    /// </summary>
    /// <param name="cancellationToken">Stops this enumeration (the subscription stays alive).</param>
    /// <returns>The events.</returns>
    public IAsyncEnumerable<MiEvent> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _feed.ReadAllAsync(cancellationToken);

    /// <summary>Takes a buffered event without waiting.</summary>
    /// <param name="ev">The event.</param>
    /// <returns>Whether one was buffered.</returns>
    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MiEvent? ev) => _feed.TryRead(out ev);

    internal static async Task<MiSubscription> CreateAsync(MiClient client, IReadOnlyList<string> events, MiSubscriptionOptions options, CancellationToken cancellationToken)
    {
        var address = EventSocketAddress.Parse(options.Listen);
        var logger = options.LoggerFactory?.CreateLogger<MiSubscription>() ?? (ILogger)NullLogger.Instance;
        if (address.Bind is { } bind && options.AdvertisedHost is null && (bind.Address.Equals(IPAddress.Any) || bind.Address.Equals(IPAddress.IPv6Any)))
        {
            throw new ArgumentException(
                $"The listener binds {bind.Address}, which OpenSIPS cannot send to: set MiSubscriptionOptions.AdvertisedHost to the address OpenSIPS should use.",
                nameof(options));
        }

        IListener listener;
        if (address.Kind == MiEventListenerKind.UnixDatagram)
        {
            listener = DatagramListener.BindUnix(address.UnixPath!, "event");
        }
        else
        {
            var allowed = options.AllowedSources
                ?? await ServerAddresses.ResolveAsync(client, (host, ex) => EventLog.SourceCheckDisabled(logger, host, ex), cancellationToken).ConfigureAwait(false);
            var filter = new SourceFilter(allowed);
            listener = address.Kind == MiEventListenerKind.Udp
                ? DatagramListener.BindUdp(address.Bind!, filter, "event")
                : StreamListener.Bind(address.Bind!, filter, () => new JsonObjectSplitter(), "event");
        }

        MiSubscription? subscription = null;
        try
        {
            var socket = address.Advertise(listener.LocalEndPoint, options.AdvertisedHost, options.AdvertisedPort);
            subscription = new MiSubscription(client, events, options, listener, socket, address.Kind, logger);
            var log = new FeedLog(
                (source, bytes, reason) => EventLog.Malformed(logger, source, bytes, reason),
                source => EventLog.Rejected(logger, source),
                ex => EventLog.ListenerFailed(logger, socket, ex));
            listener.Start(new FeedSink<MiEvent>(subscription._feed, subscription.OnPayload, log));
            await subscription.SubscribeAllAsync(cancellationToken).ConfigureAwait(false);
            EventLog.Subscribed(logger, socket, subscription._eventList, subscription._expireSeconds);
            subscription.StartRefreshTimer();
            return subscription;
        }
        catch
        {
            if (subscription is not null)
            {
                // Undo what was subscribed before the failure, then close the listener.
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Unsubscribes (<c>event_subscribe</c> with expire 0 for each event; there is no event_unsubscribe), closes the
    /// listener and ends <see cref="ReadAllAsync"/>. Bounded by <see cref="MiSubscriptionOptions.DisposeTimeout"/>;
    /// failures are logged, never thrown (OpenSIPS then drops the subscription when it expires). Idempotent.
    /// </summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        _timer?.Dispose();
        using var bound = new CancellationTokenSource(_options.DisposeTimeout);
        try
        {
            // A refresh in flight must not re-subscribe after the expire 0 below.
            await _refresh.WaitAsync(bound.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Its outcome was already reported; only its end matters here.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        var unsubscribed = 0;
        foreach (var name in Events)
        {
            try
            {
                var response = await _client.CommandAsync("event_subscribe", MiParams.Positional(name, Socket, 0), null, bound.Token).ConfigureAwait(false);
                response.EnsureSuccess();
                unsubscribed++;
            }
#pragma warning disable CA1031 // Best effort: the subscription expires on its own.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EventLog.UnsubscribeFailed(_logger, Socket, name, ex);
            }
        }

        if (unsubscribed == Events.Count)
        {
            EventLog.Unsubscribed(_logger, Socket, _eventList);
        }

        try
        {
            await _listener.DisposeAsync().AsTask().WaitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _feed.Complete();
        _disposing.Dispose();
    }

    private async Task SubscribeAllAsync(CancellationToken cancellationToken)
    {
        foreach (var name in Events)
        {
            var response = await _client.CommandAsync("event_subscribe", MiParams.Positional(name, Socket, _expireSeconds), null, cancellationToken)
                .ConfigureAwait(false);
            response.EnsureSuccess();
        }

        var expires = _options.TimeProvider.GetUtcNow().AddSeconds(_expireSeconds);
        Interlocked.Exchange(ref _expiresAtTicks, expires.UtcTicks);
    }

    private void StartRefreshTimer() =>
        _timer = _options.TimeProvider.CreateTimer(_ => OnTimer(), null, _options.RefreshDelay, Timeout.InfiniteTimeSpan);

    private void OnTimer()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _refreshing, 1) != 0)
        {
            return;
        }

        _refresh = RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        Exception? error = null;
        try
        {
            await SubscribeAllAsync(_disposing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Every refresh failure is reported through RefreshFailed and retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (error is null)
        {
            _failures = 0;
            _backoff = _options.RetryDelay;
            Volatile.Write(ref _lastRefreshError, null);
            Arm(_options.RefreshDelay);
            EventLog.Refreshed(_logger, Socket, _eventList, _options.RefreshDelay);
            Raise(() => Refreshed?.Invoke(this, EventArgs.Empty));
            return;
        }

        var delay = _backoff;
        var doubled = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.MaxRetryDelay.Ticks));
        _backoff = doubled;
        _failures++;
        Volatile.Write(ref _lastRefreshError, error);
        Arm(delay);
        EventLog.RefreshFailed(_logger, Socket, _failures, delay, error);
        var args = new MiSubscriptionRefreshFailedEventArgs(error, _failures, delay, ExpiresAt);
        Raise(() => RefreshFailed?.Invoke(this, args));
    }

    private void Arm(TimeSpan delay)
    {
        try
        {
            _timer?.Change(delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Raise(Action raise)
    {
        try
        {
            raise();
        }
#pragma warning disable CA1031 // A throwing handler must not stop the refreshes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EventLog.HandlerThrew(_logger, ex);
        }
    }

    private void OnDropped(long count)
    {
        if (count == 1 || count % 1000 == 0)
        {
            EventLog.Dropped(_logger, count, _options.Capacity);
        }
    }

    private void OnPayload(ReadOnlyMemory<byte> payload, string source)
    {
        if (MiEvent.TryParse(payload, source, _options.TimeProvider.GetUtcNow()) is not { } received)
        {
            _feed.CountMalformed();
            EventLog.Malformed(_logger, source, payload.Length, "not a JSON-RPC notification with a string method");
            return;
        }

        _feed.Write(received);
    }
}
