using System.Net;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Trace;

/// <summary>
/// How <see cref="MiClientTraceExtensions.TraceAsync"/> listens for HEP and what it asks OpenSIPS's tracer to send
/// (<c>trace_start</c>). Every setting has a default: HEP3 over UDP on <c>127.0.0.1</c> with a free port, transaction
/// scope, no filter (every request OpenSIPS receives), 1024 buffered messages.
/// </summary>
public sealed record MiTraceOptions
{
    /// <summary>The default options.</summary>
    public static MiTraceOptions Default { get; } = new();

    /// <summary>
    /// Where to listen for HEP3: <c>udp://127.0.0.1:0</c> (the default; one packet per datagram) or <c>tcp://127.0.0.1:0</c>
    /// (OpenSIPS connects and writes packets back to back). Port 0 picks a free port. IPv4 only: OpenSIPS's HEP URIs
    /// cannot carry an IPv6 address (proto_hep splits host and port at the first colon).
    /// </summary>
    public string Listen { get; init; } = "udp://127.0.0.1:0";

    /// <summary>
    /// The host OpenSIPS should send to when it differs from the bound address (NAT, containers, binding <c>0.0.0.0</c>).
    /// Never <c>0.0.0.0</c>. An IPv4 address or a host name OpenSIPS can resolve.
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>The port OpenSIPS should send to when it differs from the bound port (port mapping).</summary>
    public int? AdvertisedPort { get; init; }

    /// <summary>
    /// Trace only requests whose From URI is this user: <c>alice</c> (any domain) or <c>alice@example.com</c>; a URI such
    /// as <c>sip:alice@example.com:5060;transport=tcp</c> is reduced to <c>alice@example.com</c>, the form the tracer
    /// compares. Null: any caller.
    /// </summary>
    public string? Caller { get; init; }

    /// <summary>Trace only requests whose Request-URI is this user (same forms as <see cref="Caller"/>). Null: any callee.</summary>
    public string? Callee { get; init; }

    /// <summary>Trace only requests OpenSIPS received from this IPv4 address (the tracer parses no IPv6 here). Null: any sender.</summary>
    public IPAddress? SourceIp { get; init; }

    /// <summary>What is traced once a request matches (default <see cref="MiTraceScope.Transaction"/>: requests and their replies).</summary>
    public MiTraceScope Scope { get; init; } = MiTraceScope.Transaction;

    /// <summary>The trace id given to <c>trace_start</c>; null (default) generates a unique <c>opensips-mi-…</c> id.</summary>
    public string? Id { get; init; }

    /// <summary>
    /// How many received messages wait for the reader (default 1024). When the buffer is full the OLDEST message is
    /// dropped and <see cref="MiTraceSubscription.DroppedCount"/> goes up: the listener never blocks, OpenSIPS never waits.
    /// </summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>
    /// Which addresses may send HEP (UDP datagrams and TCP connections). Null (default): the MI server's address when
    /// the client's endpoint has one (udp://, http://), otherwise anyone.
    /// </summary>
    public IReadOnlyCollection<IPAddress>? AllowedSources { get; init; }

    /// <summary>The bound on <c>trace_stop</c> and closing the listener at dispose (default 5 s).</summary>
    public TimeSpan DisposeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock that stamps <see cref="SipTraceMessage.ReceivedAt"/>; <see cref="System.TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logs the start and stop of the trace, malformed packets, ignored senders and drops; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or malformed; the message names it.</exception>
    public void Validate()
    {
        _ = HepListenAddress.Parse(Listen);
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
            HepListenAddress.CheckAdvertisedHost(AdvertisedHost);
        }

        _ = TraceFilters.UserFilter(Caller, nameof(Caller));
        _ = TraceFilters.UserFilter(Callee, nameof(Callee));
        if (SourceIp is { } ip && ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork && !ip.IsIPv4MappedToIPv6)
        {
            throw new ArgumentException($"SourceIp {ip} is not IPv4: OpenSIPS's tracer ignores an IPv6 ip= filter and would trace everything.", nameof(SourceIp));
        }

        if (Id is not null && (Id.Length == 0 || Id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new ArgumentException($"Id '{Id}' must be a non-empty name without spaces.", nameof(Id));
        }

        if (!Enum.IsDefined(Scope))
        {
            throw new ArgumentException($"Scope {Scope} is not a MiTraceScope.", nameof(Scope));
        }

        if (DisposeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("DisposeTimeout must be positive.", nameof(DisposeTimeout));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
