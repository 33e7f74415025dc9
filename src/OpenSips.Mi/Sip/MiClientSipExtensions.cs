namespace OpenSips.Mi.Sip;

/// <summary>
/// SIP helpers over OpenSIPS's <c>t_uac_dlg</c> (tm): send any SIP request, a phone resync/reboot NOTIFY, or a voicemail
/// (MWI) NOTIFY. They wait for the final SIP reply (up to tm's <c>fr_timeout</c>, 30 s by default), so they use
/// <see cref="UacDlgOptions.Timeout"/> (35 s) rather than the client's timeout.
/// </summary>
public static class MiClientSipExtensions
{
    private const string Command = "t_uac_dlg";

    /// <summary>Sends a SIP request through OpenSIPS and returns its final reply.</summary>
    /// <param name="client">The MI client.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">The wait; <see cref="UacDlgOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (OpenSIPS still sends the request).</param>
    /// <returns>The final SIP reply; any code (200, 486, 408…) is a result.</returns>
    /// <exception cref="ArgumentException">The request is invalid (nothing is sent); the message names the header.</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused the request (for example 400 "Bad headers", 404 "Local socket not found").</exception>
    /// <exception cref="MiTimeoutException">No MI reply within the timeout.</exception>
    public static async Task<UacResult> UacDlgAsync(this MiClient client, UacDlgRequest request, UacDlgOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var parameters = request.ToParams();
        var timeout = (options ?? UacDlgOptions.Default).ValidatedTimeout;
        var response = await client.CommandAsync(Command, parameters, timeout, cancellationToken).ConfigureAwait(false);
        return UacResult.FromResult(response.EnsureSuccess().Result!.Value);
    }

    /// <summary>Sends a SIP request through OpenSIPS (the Ruby gem's <c>uac_dlg</c>) and returns its final reply.</summary>
    /// <param name="client">The MI client.</param>
    /// <param name="method">The SIP method, for example <c>NOTIFY</c>.</param>
    /// <param name="requestUri">The request URI, for example <c>sip:alice@192.0.2.10:5060</c>.</param>
    /// <param name="headers">The headers; <c>From</c> and <c>To</c> are required. A dictionary converts implicitly.</param>
    /// <param name="nextHop">Where to send instead of the request URI's host, for example <c>sip:192.0.2.1:5060</c>.</param>
    /// <param name="socket">The local socket to send from, for example <c>udp:192.0.2.1:5060</c>.</param>
    /// <param name="body">The body (needs a Content-Type header; never give Content-Length).</param>
    /// <param name="options">The wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final SIP reply.</returns>
    /// <exception cref="ArgumentException">The request is invalid (nothing is sent).</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused the request.</exception>
    /// <exception cref="MiTimeoutException">No MI reply within the timeout.</exception>
    public static Task<UacResult> UacDlgAsync(
        this MiClient client,
        string method,
        string requestUri,
        SipHeaders headers,
        string? nextHop = null,
        string? socket = null,
        string? body = null,
        UacDlgOptions? options = null,
        CancellationToken cancellationToken = default) =>
        client.UacDlgAsync(new UacDlgRequest(method, requestUri, headers) { NextHop = nextHop, Socket = socket, Body = body }, options, cancellationToken);

    /// <summary>Sends a phone event NOTIFY (the Ruby gem's <c>event_notify</c>); see <see cref="SipRequests.EventNotify"/>.</summary>
    /// <param name="client">The MI client.</param>
    /// <param name="contactUri">The phone's contact URI.</param>
    /// <param name="phoneEvent">The event, for example <see cref="PhoneEvent.SnomReboot"/>.</param>
    /// <param name="headers">Extra headers (never modified); <c>From</c>/<c>To</c> here replace the generated ones.</param>
    /// <param name="options">The wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The phone's final reply.</returns>
    /// <exception cref="ArgumentException">The URI or a header is invalid (nothing is sent).</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused the request.</exception>
    /// <exception cref="MiTimeoutException">No MI reply within the timeout.</exception>
    public static Task<UacResult> EventNotifyAsync(
        this MiClient client,
        string contactUri,
        PhoneEvent phoneEvent,
        SipHeaders? headers = null,
        UacDlgOptions? options = null,
        CancellationToken cancellationToken = default) =>
        client.UacDlgAsync(SipRequests.EventNotify(contactUri, phoneEvent, headers), options, cancellationToken);

    /// <summary>Sends a NOTIFY with a custom <c>Event</c> header value, for example <c>check-sync;reboot=true</c>.</summary>
    /// <param name="client">The MI client.</param>
    /// <param name="contactUri">The phone's contact URI.</param>
    /// <param name="eventValue">The <c>Event</c> header value.</param>
    /// <param name="headers">Extra headers (never modified).</param>
    /// <param name="options">The wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The phone's final reply.</returns>
    /// <exception cref="ArgumentException">The URI, event or a header is invalid (nothing is sent).</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused the request.</exception>
    /// <exception cref="MiTimeoutException">No MI reply within the timeout.</exception>
    public static Task<UacResult> EventNotifyAsync(
        this MiClient client,
        string contactUri,
        string eventValue,
        SipHeaders? headers = null,
        UacDlgOptions? options = null,
        CancellationToken cancellationToken = default) =>
        client.EventNotifyAsync(contactUri, PhoneEvent.Custom(eventValue), headers, options, cancellationToken);

    /// <summary>Sends a message-summary NOTIFY (the Ruby gem's <c>mwi_update</c>); see <see cref="SipRequests.MwiUpdate"/>.</summary>
    /// <param name="client">The MI client.</param>
    /// <param name="uri">The request URI, usually the phone's contact.</param>
    /// <param name="messageAccount">The voicemail account, for example <c>sip:*97@pbx.example.com</c>.</param>
    /// <param name="newMessages">New messages; 0 turns the lamp off.</param>
    /// <param name="oldMessages">Old messages.</param>
    /// <param name="urgentNew">New urgent messages.</param>
    /// <param name="urgentOld">Old urgent messages.</param>
    /// <param name="headers">Extra headers (never modified).</param>
    /// <param name="options">The wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The phone's final reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="ArgumentException">The URI, account or a header is invalid (nothing is sent).</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused the request.</exception>
    /// <exception cref="MiTimeoutException">No MI reply within the timeout.</exception>
    public static Task<UacResult> MwiUpdateAsync(
        this MiClient client,
        string uri,
        string messageAccount,
        int newMessages,
        int oldMessages = 0,
        int urgentNew = 0,
        int urgentOld = 0,
        SipHeaders? headers = null,
        UacDlgOptions? options = null,
        CancellationToken cancellationToken = default) =>
        client.UacDlgAsync(SipRequests.MwiUpdate(uri, messageAccount, newMessages, oldMessages, urgentNew, urgentOld, headers), options, cancellationToken);
}
