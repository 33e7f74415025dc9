using System.Net;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>
/// How a <see cref="MiSubscription"/> listens for events and keeps its <c>event_subscribe</c> alive. Every setting has
/// a default: UDP on <c>127.0.0.1</c> with a free port, expire 3600 s, refreshed 60 s before it lapses, 1024 buffered
/// events.
/// </summary>
public sealed record MiSubscriptionOptions
{
    /// <summary>The default options.</summary>
    public static MiSubscriptionOptions Default { get; } = new();

    /// <summary>
    /// Where to listen: <c>udp://127.0.0.1:0</c> (event_datagram, the default), <c>tcp://127.0.0.1:0</c> or
    /// <c>tcp://127.0.0.1:0/method</c> (event_stream; with <c>/method</c> OpenSIPS writes that name instead of the event
    /// name in every notification, so <see cref="MiEvent.Name"/> is the method), or <c>unix:///path</c> (event_datagram
    /// on a unix datagram socket; the file is created and removed by the subscription). Port 0 picks a free port.
    /// </summary>
    public string Listen { get; init; } = "udp://127.0.0.1:0";

    /// <summary>
    /// The host OpenSIPS should send to when it differs from the bound address (NAT, containers, binding
    /// <c>0.0.0.0</c>). Never <c>0.0.0.0</c>: OpenSIPS cannot send there.
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>The port OpenSIPS should send to when it differs from the bound port (port mapping).</summary>
    public int? AdvertisedPort { get; init; }

    /// <summary>The lifetime asked for in <c>event_subscribe</c> (whole seconds, at least 1 s; OpenSIPS's default is 3600 s).</summary>
    public TimeSpan Expire { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>
    /// How long before expiry the subscription is refreshed (default 60 s). The refresh happens at
    /// <c>Expire - RefreshMargin</c>, but never earlier than half of <see cref="Expire"/>.
    /// </summary>
    public TimeSpan RefreshMargin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first delay before retrying a failed refresh (default 1 s); it doubles on each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between refresh retries (default 60 s).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many received events wait for the reader (default 1024). When the buffer is full the OLDEST event is
    /// dropped and <see cref="MiSubscription.DroppedCount"/> goes up: the listener never blocks, OpenSIPS never waits.
    /// </summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>
    /// Which addresses may send events (UDP datagrams and TCP connections). Null (default): the MI server's address
    /// when the client's endpoint has one (udp://, http://), otherwise anyone. Set it when OpenSIPS sends from another
    /// address than the one the client talks to (NAT, several interfaces).
    /// </summary>
    public IReadOnlyCollection<IPAddress>? AllowedSources { get; init; }

    /// <summary>The bound on unsubscribing (one <c>event_subscribe</c> with expire 0 per event) and closing the listener at dispose (default 5 s, real time).</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for refresh and retry timers (tests use a fake one); <see cref="System.TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logs refreshes, refresh failures, malformed payloads and ignored senders; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        _ = EventSocketAddress.Parse(Listen);
        if (Expire < TimeSpan.FromSeconds(1) || Expire.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentException($"Expire must be at least 1 s (it is sent in whole seconds), not {Expire}.", nameof(Expire));
        }

        if (RefreshMargin < TimeSpan.Zero)
        {
            throw new ArgumentException("RefreshMargin cannot be negative.", nameof(RefreshMargin));
        }

        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentException("RetryDelay must be positive and MaxRetryDelay at least RetryDelay.", nameof(RetryDelay));
        }

        if (Capacity < 1)
        {
            throw new ArgumentException("Capacity must be at least 1.", nameof(Capacity));
        }

        if (AdvertisedPort is < 1 or > 65535)
        {
            throw new ArgumentException($"AdvertisedPort must be within 1..65535, not {AdvertisedPort}.", nameof(AdvertisedPort));
        }

        if (AdvertisedHost is not null)
        {
            if (string.IsNullOrWhiteSpace(AdvertisedHost) || AdvertisedHost.Any(c => char.IsWhiteSpace(c) || c is '/' or '[' or ']'))
            {
                throw new ArgumentException($"AdvertisedHost '{AdvertisedHost}' is not a host name or IP address.", nameof(AdvertisedHost));
            }

            if (IPAddress.TryParse(AdvertisedHost, out var a) && (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)))
            {
                throw new ArgumentException("AdvertisedHost cannot be 0.0.0.0 or ::: OpenSIPS cannot send events there; give the address it should use.", nameof(AdvertisedHost));
            }
        }

        if (DisposeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("DisposeTimeout must be positive.", nameof(DisposeTimeout));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    internal TimeSpan RefreshDelay
    {
        get
        {
            var expire = TimeSpan.FromSeconds(Math.Floor(Expire.TotalSeconds));
            var delay = expire - RefreshMargin;
            var half = expire / 2;
            return delay < half ? half : delay;
        }
    }
}
