using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed tm (transaction) commands: <c>t_uac_dlg</c> (raw), <c>t_uac_cancel</c>, <c>t_hash</c>, <c>t_reply</c>.
/// <c>t_uac_dlg</c> and <c>t_reply</c> only accept named parameters, which these methods send.
/// </summary>
public static class TmCommands
{
    /// <summary>
    /// Runs <c>t_uac_dlg</c>: OpenSIPS sends a SIP request and answers when the FINAL reply arrives (any final code is a
    /// result, not an error; no answer gives <c>408 Request Timeout</c> after tm's fr_timeout, 30 s by default), so pass a
    /// <paramref name="timeout"/> longer than fr_timeout.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="method">The SIP method, for example <c>NOTIFY</c>.</param>
    /// <param name="requestUri">The Request-URI.</param>
    /// <param name="headers">The headers as one string of <c>Name: value</c> lines, EACH ended by CRLF (the last one too), with at least From and To; no Content-Length.</param>
    /// <param name="nextHop">Where to send the request (outbound proxy URI), or <see langword="null"/>.</param>
    /// <param name="socket">The local socket to send from, for example <c>udp:10.0.0.1:5060</c>, or <see langword="null"/>.</param>
    /// <param name="body">The body (needs a Content-Type header), or <see langword="null"/>.</param>
    /// <param name="timeout">This call's timeout, or <see langword="null"/> for the client's.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final SIP status and the reply text.</returns>
    /// <exception cref="MiCommandException">OpenSIPS rejected the request before sending it (400 "Bad headers", 400 "From missing"…).</exception>
    /// <example>
    /// <code>
    /// var reply = await mi.TUacDlgAsync("NOTIFY", "sip:alice@10.0.0.5:5060",
    ///     "From: &lt;sip:opensips@example.com&gt;\r\nTo: &lt;sip:alice@example.com&gt;\r\nEvent: check-sync\r\n",
    ///     timeout: TimeSpan.FromSeconds(40));
    /// Console.WriteLine(reply.StatusCode); // 200
    /// </code>
    /// </example>
    public static async Task<TUacDlgResult> TUacDlgAsync(
        this MiClient client, string method, string requestUri, string headers, string? nextHop = null, string? socket = null, string? body = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(requestUri);
        ArgumentException.ThrowIfNullOrEmpty(headers);
        var members = new List<KeyValuePair<string, MiValue>> { new("method", method), new("ruri", requestUri), new("headers", headers) };
        if (nextHop is not null)
        {
            members.Add(new("next_hop", nextHop));
        }

        if (socket is not null)
        {
            members.Add(new("socket", socket));
        }

        if (body is not null)
        {
            members.Add(new("body", body));
        }

        var result = await MiReply.RunAsync(client, "t_uac_dlg", MiParams.FromNamed(members), cancellationToken, timeout).ConfigureAwait(false);
        return TUacDlgResult.Read(result);
    }

    /// <summary>Runs <c>t_uac_cancel</c>: cancels a pending INVITE sent by <c>t_uac_dlg</c>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="callId">The Call-ID of the INVITE.</param>
    /// <param name="cseq">The CSeq number of the INVITE.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (481 "No such transaction").</exception>
    public static Task TUacCancelAsync(this MiClient client, string callId, string cseq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentException.ThrowIfNullOrEmpty(cseq);
        return MiReply.RunOkAsync(client, "t_uac_cancel", MiParams.Positional(callId, cseq), cancellationToken);
    }

    /// <summary>
    /// Runs <c>t_hash</c>: the load of each transaction hash bucket. tm has 65536 buckets, so the reply is about 2.4 MB
    /// and OpenSIPS needs many seconds to build it (its JSON builder appends each bucket by walking the list so far):
    /// it does not fit an mi_datagram reply (the client gets a plain-text error instead), and over mi_http or mi_fifo
    /// it needs a <paramref name="timeout"/> of a minute or more. The MI process that runs it answers nothing else meanwhile.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="timeout">This call's timeout, or <see langword="null"/> for the client's.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One entry per bucket.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    /// <exception cref="MiProtocolException">The reply did not fit the transport (mi_datagram).</exception>
    public static async Task<MiList<TmHashBucket>> THashAsync(this MiClient client, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "t_hash", MiParams.None, cancellationToken, timeout).ConfigureAwait(false);
        var buckets = result.ValueKind == JsonValueKind.Array ? result.EnumerateArray().Select(TmHashBucket.Read).ToArray() : [];
        return new MiList<TmHashBucket>(buckets, result);
    }

    /// <summary>Runs <c>t_reply</c>: replies to a transaction kept by the script (<c>t_newtran</c>).</summary>
    /// <param name="client">The client.</param>
    /// <param name="code">The SIP status code.</param>
    /// <param name="reason">The reason phrase.</param>
    /// <param name="transactionId">The transaction id, <c>hash_index:label</c>.</param>
    /// <param name="toTag">The To tag to put in the reply.</param>
    /// <param name="newHeaders">Extra headers (CRLF-terminated lines), or <see langword="null"/>.</param>
    /// <param name="body">The body, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Transaction not found", 400 "Invalid trans_id").</exception>
    public static Task TReplyAsync(
        this MiClient client, int code, string reason, string transactionId, string toTag, string? newHeaders = null, string? body = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        ArgumentNullException.ThrowIfNull(toTag);
        var members = new List<KeyValuePair<string, MiValue>> { new("code", code), new("reason", reason), new("trans_id", transactionId), new("to_tag", toTag) };
        if (newHeaders is not null)
        {
            members.Add(new("new_headers", newHeaders));
        }

        if (body is not null)
        {
            members.Add(new("body", body));
        }

        return MiReply.RunOkAsync(client, "t_reply", MiParams.FromNamed(members), cancellationToken);
    }
}

/// <summary>The <c>t_uac_dlg</c> reply: <c>{"Status":"200 OK","Message":"…"}</c> (no <c>Message</c> for a local 408).</summary>
/// <param name="Status">The status line part, for example <c>486 Busy Here</c>.</param>
/// <param name="StatusCode">The status code parsed from <paramref name="Status"/>.</param>
/// <param name="Reason">The reason phrase parsed from <paramref name="Status"/>.</param>
/// <param name="Message">The reply from its first header line to the end (headers, blank line, body), or <see langword="null"/>.</param>
/// <param name="Raw">The JSON result (the bare string <c>"Accepted"</c> when the transport cannot wait for the reply).</param>
public sealed record TUacDlgResult(string? Status, int? StatusCode, string? Reason, string? Message, JsonElement Raw)
{
    /// <summary>True for a 2xx final reply.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    internal static TUacDlgResult Read(JsonElement e)
    {
        var status = e.ValueKind == JsonValueKind.Object ? MiReply.String(e, "Status") : MiReply.AsText(e);
        int? code = null;
        string? reason = null;
        if (status is not null)
        {
            var space = status.IndexOf(' ', StringComparison.Ordinal);
            var first = space < 0 ? status : status[..space];
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                code = parsed;
                reason = space < 0 ? string.Empty : status[(space + 1)..];
            }
        }

        return new(status, code, reason, MiReply.String(e, "Message"), e);
    }
}

/// <summary>One entry of the <c>t_hash</c> reply.</summary>
/// <param name="Index">The bucket index.</param>
/// <param name="Current">Transactions in the bucket now.</param>
/// <param name="Total">Transactions the bucket has held since start.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record TmHashBucket(int? Index, long? Current, long? Total, JsonElement Raw)
{
    internal static TmHashBucket Read(JsonElement e) => new(MiReply.Int32(e, "index"), MiReply.Int64(e, "Current"), MiReply.Int64(e, "Total"), e);
}
