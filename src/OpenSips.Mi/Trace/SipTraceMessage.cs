using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace OpenSips.Mi.Trace;

/// <summary>
/// One SIP message OpenSIPS traced (a request or a reply it received or sent), as it arrived in a HEP3 packet: where
/// and when it was captured, the raw bytes, and the fields a reader usually wants parsed (start line, Call-ID, CSeq,
/// From and To tags).
/// </summary>
/// <remarks>
/// The parsed fields are read tolerantly: a missing or malformed header leaves its property null, never an exception.
/// Compact header forms (<c>i:</c>, <c>f:</c>, <c>t:</c>) count.
/// </remarks>
public sealed class SipTraceMessage
{
    private string? _text;

    private SipTraceMessage(byte[] raw, SipMessageHead head)
    {
        Raw = raw;
        StartLine = head.StartLine;
        IsRequest = head.IsRequest;
        RequestMethod = head.RequestMethod;
        RequestUri = head.RequestUri;
        StatusCode = head.StatusCode;
        ReasonPhrase = head.ReasonPhrase;
        CallId = head.CallId;
        CSeqNumber = head.CSeqNumber;
        CSeqMethod = head.CSeqMethod;
        FromTag = head.FromTag;
        ToTag = head.ToTag;
    }

    /// <summary>When OpenSIPS captured the message (the HEP timestamp, microsecond precision, UTC); when the packet has none, when it arrived.</summary>
    public DateTimeOffset CapturedAt { get; private init; }

    /// <summary>When the listener received the HEP packet (the trace's clock).</summary>
    public DateTimeOffset ReceivedAt { get; private init; }

    /// <summary>
    /// The SIP transport the message used: <c>udp</c>, <c>tcp</c>, <c>sctp</c>, and the numbers OpenSIPS's tracer uses for
    /// <c>tls</c> (22) and <c>ws</c> (50); another HEP protocol id is given as <c>ip-N</c>.
    /// </summary>
    public string Transport => IpProtocol switch
    {
        17 => "udp",
        6 => "tcp",
        22 => "tls",
        50 => "ws",
        132 => "sctp",
        _ => "ip-" + IpProtocol.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The HEP IP protocol id (17 UDP, 6 TCP, …; see <see cref="Transport"/>).</summary>
    public int IpProtocol { get; private init; }

    /// <summary>Who sent the SIP message.</summary>
    public IPEndPoint Source { get; private init; } = null!;

    /// <summary>Who it was sent to.</summary>
    public IPEndPoint Destination { get; private init; } = null!;

    /// <summary>The HEP correlation id (chunk 0x0011; OpenSIPS puts the Call-ID there), or null.</summary>
    public string? CorrelationId { get; private init; }

    /// <summary>The HEP capture agent id (proto_hep's <c>hep_capture_id</c>), or null.</summary>
    public uint? CaptureAgentId { get; private init; }

    /// <summary>Who sent the HEP packet, e.g. <c>udp:127.0.0.1:5060</c> or <c>tcp:127.0.0.1:40112</c>.</summary>
    public string HepSource { get; private init; } = string.Empty;

    /// <summary>The SIP message exactly as captured: start line, headers, blank line and body.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The SIP message as text (UTF-8).</summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Raw.Span);

    /// <summary>The first line, e.g. <c>REGISTER sip:127.0.0.1 SIP/2.0</c> or <c>SIP/2.0 200 OK</c>.</summary>
    public string StartLine { get; }

    /// <summary>True for a request, false for a reply.</summary>
    public bool IsRequest { get; }

    /// <summary>The method of a request (<c>INVITE</c>); null for a reply (see <see cref="Method"/>).</summary>
    public string? RequestMethod { get; }

    /// <summary>The method of a request, or of the request a reply answers (from its CSeq).</summary>
    public string? Method => RequestMethod ?? CSeqMethod;

    /// <summary>The Request-URI of a request; null for a reply.</summary>
    public string? RequestUri { get; }

    /// <summary>The status code of a reply (100–699); null for a request.</summary>
    public int? StatusCode { get; }

    /// <summary>The reason phrase of a reply (may be empty); null for a request.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>The Call-ID header, or null.</summary>
    public string? CallId { get; }

    /// <summary>The CSeq number, or null.</summary>
    public long? CSeqNumber { get; }

    /// <summary>The CSeq method, or null.</summary>
    public string? CSeqMethod { get; }

    /// <summary>The From header's tag parameter, or null.</summary>
    public string? FromTag { get; }

    /// <summary>The To header's tag parameter, or null (an initial request has none).</summary>
    public string? ToTag { get; }

    /// <summary>A one-line summary: time, transport, addresses, start line.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{CapturedAt:HH:mm:ss.ffffff} {Transport} {Source} -> {Destination} {StartLine}");

    /// <summary>
    /// Decodes one HEP3 packet carrying a SIP message (what <see cref="MiTraceSubscription"/> does with each datagram or
    /// TCP frame), for HEP received or stored some other way.
    /// </summary>
    /// <param name="packet">The packet, from its <c>HEP3</c> id; bytes after its total length are ignored.</param>
    /// <param name="message">The message, with <see cref="ReceivedAt"/> now and an empty <see cref="HepSource"/>.</param>
    /// <param name="error">Why it is not one: not HEP3 (HEPv1/v2 included), a malformed chunk, no SIP payload; null for a
    /// valid packet that carries no SIP message (a keep-alive, another protocol type).</param>
    /// <returns>Whether a SIP message was decoded.</returns>
    public static bool TryFromHep(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out SipTraceMessage? message, out string? error)
    {
        message = HepDecoder.TryDecode(packet, out var hep, out error) ? FromHep(hep, DateTimeOffset.UtcNow, string.Empty, out error) : null;
        return message is not null;
    }

    /// <summary>
    /// Turns a decoded HEP3 packet into a message. <paramref name="reason"/> says why not: null when the packet is valid
    /// but carries no SIP (a keep-alive, another protocol type), otherwise what is malformed.
    /// </summary>
    internal static SipTraceMessage? FromHep(HepPacket packet, DateTimeOffset receivedAt, string hepSource, out string? reason)
    {
        reason = null;
        if (packet.ProtocolType is { } type && type != HepChunk.ProtocolSip)
        {
            return null;
        }

        if (packet.Payload is null)
        {
            if (packet.KeepAliveSeconds is null)
            {
                reason = "a HEP3 packet with no captured payload";
            }

            return null;
        }

        if (packet.SourceAddress is null || packet.DestinationAddress is null || packet.SourcePort is null || packet.DestinationPort is null)
        {
            reason = "a HEP3 packet without source and destination addresses and ports";
            return null;
        }

        if (HepPayload.Sip(packet, out reason) is not { } raw)
        {
            return null;
        }

        if (SipMessageHead.Parse(raw) is not { } head)
        {
            reason = "a HEP3 payload that is not a SIP message (no request or status line)";
            return null;
        }

        var captured = packet.TimestampSeconds is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(Math.Min(packet.TimestampMicroseconds ?? 0, 999_999) * 10L)
            : receivedAt;
        return new SipTraceMessage(raw, head)
        {
            CapturedAt = captured,
            ReceivedAt = receivedAt,
            IpProtocol = packet.IpProtocol ?? 17,
            Source = new IPEndPoint(packet.SourceAddress, packet.SourcePort.Value),
            Destination = new IPEndPoint(packet.DestinationAddress, packet.DestinationPort.Value),
            CorrelationId = packet.CorrelationId,
            CaptureAgentId = packet.CaptureAgentId,
            HepSource = hepSource,
        };
    }
}
