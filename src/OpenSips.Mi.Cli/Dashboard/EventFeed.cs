using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>
/// The live events of one server: subscribed (<c>event_subscribe</c> through <see cref="MiClientEventExtensions.SubscribeAsync(MiClient, IEnumerable{string}, MiSubscriptionOptions?, CancellationToken)"/>)
/// the first time a page watches the server, to the wanted events the server offers (<c>events_list</c>), and kept until the
/// dashboard stops (then unsubscribed). The last <see cref="Capacity"/> events are kept for pages that join later.
/// </summary>
internal sealed class EventFeed : IAsyncDisposable
{
    public const int Capacity = 200;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    /// <summary>The events subscribed by default: registrations, dialogs and the core's threshold alarms.</summary>
    public static readonly IReadOnlyList<string> DefaultEvents =
    [
        "E_UL_AOR_INSERT", "E_UL_AOR_DELETE", "E_UL_CONTACT_INSERT", "E_UL_CONTACT_UPDATE", "E_UL_CONTACT_DELETE",
        "E_DLG_STATE_CHANGED", "E_CORE_THRESHOLD", "E_CORE_SHM_THRESHOLD", "E_CORE_PKG_THRESHOLD",
    ];

    private readonly ServerMonitor _server;
    private readonly MiSubscriptionOptions _options;
    private readonly IReadOnlyList<string> _wanted;
    private readonly Lock _gate = new();
    private readonly Queue<EventDto> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private MiSubscription? _subscription;
    private long _seq;
    private string _status = "not subscribed yet";

    public EventFeed(ServerMonitor server, MiSubscriptionOptions options, IReadOnlyList<string> wanted)
    {
        _server = server;
        _options = options;
        _wanted = wanted;
    }

    /// <summary>Raised when an event arrives or the status changes.</summary>
    public event Action? Changed;

    /// <summary>Subscribes in the background the first time; later calls do nothing.</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            _run ??= Task.Run(RunAsync);
        }
    }

    /// <summary>The status line and the events after <paramref name="afterSeq"/>.</summary>
    public EventsDto Since(long afterSeq)
    {
        lock (_gate)
        {
            return new EventsDto(_status, _seq, [.. _events.Where(e => e.Seq > afterSeq)]);
        }
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var retry = FirstRetry;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await SubscribeAndReadAsync(token);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (FleetPoller.IsServerFailure(ex) || ex is ArgumentException)
            {
                // The server may be down or slow right now: say why, and try again later (5 s, doubling up to a minute).
                SetStatus(string.Create(CultureInfo.InvariantCulture, $"events unavailable: {_server.Redact(FleetPoller.FailureText(ex))}; retrying in {retry.TotalSeconds:0} s"));
            }

            MiSubscription? stale;
            lock (_gate)
            {
                (stale, _subscription) = (_subscription, null);
            }

            if (stale is not null)
            {
                await stale.DisposeAsync();
            }

            try
            {
                await Task.Delay(retry, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }
    }

    private async Task SubscribeAndReadAsync(CancellationToken token)
    {
        SetStatus("subscribing…");
        var offered = await OfferedEventsAsync(token);
        var names = _wanted.Where(n => offered is null || offered.Contains(n)).ToArray();
        if (names.Length == 0)
        {
            SetStatus($"the server offers none of {string.Join(", ", _wanted)} (events_list)");
            return;
        }

        var subscription = await _server.Client.SubscribeAsync(names, _options, token);
        lock (_gate)
        {
            _subscription = subscription;
        }

        SetStatus($"subscribed to {string.Join(", ", subscription.Events)} on {subscription.Socket}");
        await foreach (var ev in subscription.ReadAllAsync(token))
        {
            lock (_gate)
            {
                _events.Enqueue(new EventDto(++_seq, ev.Name, ev.ReceivedAt.ToUnixTimeMilliseconds(), ev.Params.ValueKind == JsonValueKind.Undefined ? default : ev.Params.Clone()));
                while (_events.Count > Capacity)
                {
                    _events.Dequeue();
                }
            }

            Changed?.Invoke();
        }
    }

    private async Task<HashSet<string>?> OfferedEventsAsync(CancellationToken token)
    {
        var response = await _server.Client.CommandAsync("events_list", token);
        if (!response.IsSuccess || response.Result is not { ValueKind: JsonValueKind.Object } result
            || !result.TryGetProperty("Events", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            // An OpenSIPS without events_list: try the wanted events as they are.
            return null;
        }

        return list.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) ? n.GetString() : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
    }

    private void SetStatus(string status)
    {
        lock (_gate)
        {
            _status = status;
        }

        Changed?.Invoke();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? run;
        MiSubscription? subscription;
        lock (_gate)
        {
            run = _run;
            subscription = _subscription;
        }

        if (run is not null)
        {
            await run;
        }

        if (subscription is not null)
        {
            // Unsubscribes (expire 0) within the client's timeout.
            await subscription.DisposeAsync();
        }

        _stop.Dispose();
    }
}
