using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Sip;

/// <summary>
/// The outcome of a <c>t_uac_dlg</c> request: the final SIP reply OpenSIPS received, as in
/// <c>{"Status":"200 OK","Message":"Via: …\r\n…\r\n\r\n"}</c>, or <c>{"Status":"408 Request Timeout"}</c> (no
/// <c>Message</c>) when nobody answered before tm's <c>fr_timeout</c>. Every final SIP code is a result, not an exception.
/// </summary>
public sealed class UacResult
{
    private const string StatusMember = "Status";
    private const string MessageMember = "Message";

    private UacResult(string status, int statusCode, string reasonPhrase, string? rawMessage, SipHeaders headers, string body)
    {
        Status = status;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        RawMessage = rawMessage;
        Headers = headers;
        Body = body;
    }

    /// <summary>The status as OpenSIPS reported it, for example <c>486 Busy Here</c>.</summary>
    public string Status { get; }

    /// <summary>The SIP status code, for example 200, 486 or 408.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase, for example <c>OK</c> or <c>Busy Here</c>.</summary>
    public string ReasonPhrase { get; }

    /// <summary>
    /// The reply as OpenSIPS passed it on: from the first header line (the status line is not included) to the end,
    /// including the blank line and the body; <see langword="null"/> when there was no reply (local 408).
    /// Over mi_xmlrpc_ng line ends arrive as bare LF.
    /// </summary>
    public string? RawMessage { get; }

    /// <summary>The reply's headers in order (empty when there was no reply).</summary>
    public SipHeaders Headers { get; }

    /// <summary>The reply's body (empty when none).</summary>
    public string Body { get; }

    /// <summary>True for a 2xx final reply.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>True when a reply arrived from the far end (a <see cref="RawMessage"/> is present); false for OpenSIPS's own 408 after <c>fr_timeout</c>.</summary>
    public bool HasReply => RawMessage is not null;

    /// <summary>Reads the <c>t_uac_dlg</c> result object.</summary>
    /// <param name="result">The JSON-RPC result, <c>{"Status":…,"Message":…}</c>.</param>
    /// <returns>The parsed result.</returns>
    /// <exception cref="MiProtocolException">The result does not have that shape.</exception>
    public static UacResult FromResult(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty(StatusMember, out var status)
            || status.ValueKind != JsonValueKind.String)
        {
            throw new MiProtocolException("The t_uac_dlg result has no \"Status\" string; expected {\"Status\":\"200 OK\",\"Message\":\"…\"}.", result.GetRawText());
        }

        string? message = null;
        if (result.TryGetProperty(MessageMember, out var m))
        {
            message = m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : throw new MiProtocolException("The t_uac_dlg result's \"Message\" is not a string.", result.GetRawText());
        }

        return Parse(status.GetString()!, message);
    }

    /// <summary>Builds a result from the <c>Status</c> and optional <c>Message</c> strings.</summary>
    /// <param name="status">For example <c>200 OK</c>.</param>
    /// <param name="message">The reply from its first header line, or <see langword="null"/>.</param>
    /// <returns>The parsed result.</returns>
    /// <exception cref="MiProtocolException">The status does not start with a three-digit code.</exception>
    public static UacResult Parse(string status, string? message)
    {
        ArgumentNullException.ThrowIfNull(status);
        var space = status.IndexOf(' ', StringComparison.Ordinal);
        var codeText = space < 0 ? status : status[..space];
        if (codeText.Length != 3 || !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100)
        {
            throw new MiProtocolException($"The t_uac_dlg status '{status}' does not start with a SIP status code.", status);
        }

        var reason = space < 0 ? string.Empty : status[(space + 1)..];
        if (message is null)
        {
            return new UacResult(status, code, reason, null, new SipHeaders(), string.Empty);
        }

        var (headerText, body) = SplitMessage(message);
        return new UacResult(status, code, reason, message, SipHeaders.Parse(headerText), body);
    }

    private static (string Headers, string Body) SplitMessage(string message)
    {
        // The header section ends at the first empty line: CRLFCRLF on the wire, LFLF after an XML parser.
        var crlf = message.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lf = message.IndexOf("\n\n", StringComparison.Ordinal);
        if (message.StartsWith("\r\n", StringComparison.Ordinal) || message.StartsWith('\n'))
        {
            return (string.Empty, message[(message[0] == '\r' ? 2 : 1)..]);
        }

        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            return (message[..crlf], message[(crlf + 4)..]);
        }

        return lf >= 0 ? (message[..lf], message[(lf + 2)..]) : (message, string.Empty);
    }

    /// <inheritdoc/>
    public override string ToString() => Status;
}
