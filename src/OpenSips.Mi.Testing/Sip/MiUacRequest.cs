namespace OpenSips.Mi.Testing;

/// <summary>A t_uac_dlg request that passed OpenSIPS's checks, ready to be "sent".</summary>
/// <param name="Method">The SIP method, e.g. <c>NOTIFY</c>.</param>
/// <param name="Ruri">The Request-URI.</param>
/// <param name="Headers">The headers with the <c>\r</c>/<c>\n</c> escapes decoded (each line CRLF- or LF-terminated).</param>
/// <param name="Body">The body, verbatim, or null.</param>
/// <param name="NextHop">The <c>next_hop</c> URI, or null.</param>
/// <param name="Socket">The <c>socket</c>, or null.</param>
/// <param name="Request">The MI request it came from.</param>
public sealed record MiUacRequest(string Method, string Ruri, string Headers, string? Body, string? NextHop, string? Socket, MiEmulatorRequest Request)
{
    /// <summary>The value of the first header called <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The trimmed value or null.</returns>
    public string? Header(string name) => SipHeaders.Find(SipHeaders.Split(Headers), name);
}

/// <summary>Answers a t_uac_dlg once its final SIP reply is known (replaces the default 408 after <see cref="MiEmulatorOptions.UacTimeout"/>).</summary>
/// <param name="request">The validated request.</param>
/// <param name="cancellationToken">Cancelled when the emulator stops.</param>
/// <returns>The MI reply, usually <see cref="MiUac.Final"/>.</returns>
public delegate Task<MiEmulatorReply> MiUacResponder(MiUacRequest request, CancellationToken cancellationToken);

/// <summary>Helpers to build t_uac_dlg replies.</summary>
public static class MiUac
{
    /// <summary>The result for a final SIP reply: <c>{"Status":"200 OK","Message":"..."}</c> (no Message for a local 408).</summary>
    /// <param name="status">Status code and reason, e.g. <c>"486 Busy Here"</c>.</param>
    /// <param name="message">The reply from its first header line to the end, incl. the blank line and body; null to omit.</param>
    /// <returns>The reply.</returns>
    public static MiEmulatorReply Final(string status, string? message = null)
    {
        var result = new System.Text.Json.Nodes.JsonObject { ["Status"] = status };
        if (message is not null)
        {
            result["Message"] = message;
        }

        return MiEmulatorReply.Result(result);
    }

    /// <summary>A plausible reply Message for <paramref name="request"/> with a To-tag, as a UAS would answer.</summary>
    /// <param name="request">The t_uac_dlg request.</param>
    /// <param name="toTag">The To-tag the UAS adds.</param>
    /// <returns>The message text.</returns>
    public static string ReplyMessage(MiUacRequest request, string toTag = "uas1000")
    {
        ArgumentNullException.ThrowIfNull(request);
        var cseq = request.Header("CSeq") ?? $"10 {request.Method}";
        var callId = request.Header("Call-ID") ?? request.Header("i") ?? "emulated-callid@127.0.0.1";
        var to = request.Header("To") ?? request.Header("t") ?? string.Empty;
        if (!to.Contains(";tag=", StringComparison.Ordinal))
        {
            to += ";tag=" + toTag;
        }

        return $"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKemu.0\r\nFrom: {request.Header("From") ?? request.Header("f")}\r\nTo: {to}\r\nCall-ID: {callId}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n";
    }
}
