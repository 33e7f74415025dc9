using System.Globalization;
using System.Security.Cryptography;

namespace OpenSips.Mi.Sip;

/// <summary>Builds the <c>t_uac_dlg</c> requests behind <c>EventNotifyAsync</c> and <c>MwiUpdateAsync</c>, so they can be inspected or sent later.</summary>
public static class SipRequests
{
    /// <summary>
    /// A NOTIFY that makes a phone resync, reboot or report: <c>From: &lt;uri&gt;;tag=&lt;random&gt;</c> and <c>To: &lt;uri&gt;</c>
    /// unless <paramref name="headers"/> has them (then the caller's lines go first), then <c>Event</c>, then the caller's other headers in order. No To tag is added
    /// (not RFC 3265/6665 compliant, as the NOTIFY is outside a subscription, but most phones accept it).
    /// </summary>
    /// <param name="contactUri">The phone's contact URI, for example <c>sip:alice@192.0.2.10:5060</c> (see <c>ul_show_contact</c>).</param>
    /// <param name="phoneEvent">The event, for example <see cref="PhoneEvent.PolycomCheckCfg"/>.</param>
    /// <param name="headers">Extra headers (never modified); give <c>From</c>/<c>To</c> here to replace the generated ones.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The URI is not a SIP URI, or <paramref name="headers"/> already has an <c>Event</c> header.</exception>
    public static UacDlgRequest EventNotify(string contactUri, PhoneEvent phoneEvent, SipHeaders? headers = null)
    {
        ArgumentNullException.ThrowIfNull(phoneEvent);
        CheckUri(contactUri);
        RefuseGiven(headers, "Event", "the event parameter sets it");
        var all = StartWithParties(contactUri, headers);
        all.Add("Event", phoneEvent.Value);
        AppendCallerHeaders(all, headers);
        return new UacDlgRequest("NOTIFY", contactUri, all);
    }

    /// <summary>
    /// A message-summary NOTIFY (RFC 3842) that sets a phone's voicemail lamp: <c>To</c>/<c>From</c> as in
    /// <see cref="EventNotify"/>, <c>Event: message-summary</c>, <c>Subscription-State: active</c> (unless given),
    /// <c>Content-Type: application/simple-message-summary</c> and the body
    /// <c>Messages-Waiting: yes|no</c>, <c>Message-Account: …</c>, <c>Voice-Message: new/old (urgentNew/urgentOld)</c> with CRLF line ends.
    /// </summary>
    /// <param name="uri">The request URI, usually the phone's contact.</param>
    /// <param name="messageAccount">The voicemail account, for example <c>sip:*97@pbx.example.com</c>.</param>
    /// <param name="newMessages">New messages; 0 gives <c>Messages-Waiting: no</c> (lamp off).</param>
    /// <param name="oldMessages">Old messages.</param>
    /// <param name="urgentNew">New urgent messages.</param>
    /// <param name="urgentOld">Old urgent messages.</param>
    /// <param name="headers">Extra headers (never modified).</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="ArgumentException">The URI or account is invalid, or <paramref name="headers"/> has <c>Event</c> or <c>Content-Type</c>.</exception>
    public static UacDlgRequest MwiUpdate(string uri, string messageAccount, int newMessages, int oldMessages = 0, int urgentNew = 0, int urgentOld = 0, SipHeaders? headers = null)
    {
        CheckUri(uri);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageAccount);
        SipHeaderValidation.CheckText(messageAccount, "Message-Account", nameof(messageAccount));
        ArgumentOutOfRangeException.ThrowIfNegative(newMessages);
        ArgumentOutOfRangeException.ThrowIfNegative(oldMessages);
        ArgumentOutOfRangeException.ThrowIfNegative(urgentNew);
        ArgumentOutOfRangeException.ThrowIfNegative(urgentOld);
        RefuseGiven(headers, "Event", "MWI always uses Event: message-summary");
        RefuseGiven(headers, "Content-Type", "MWI always uses Content-Type: application/simple-message-summary");

        var all = StartWithParties(uri, headers);
        all.Add("Event", "message-summary");
        if (headers is null || !headers.Contains("Subscription-State"))
        {
            all.Add("Subscription-State", "active");
        }

        all.Add("Content-Type", "application/simple-message-summary");
        AppendCallerHeaders(all, headers);
        var body = string.Create(
            CultureInfo.InvariantCulture,
            $"Messages-Waiting: {(newMessages > 0 ? "yes" : "no")}\r\nMessage-Account: {messageAccount}\r\nVoice-Message: {newMessages}/{oldMessages} ({urgentNew}/{urgentOld})\r\n");
        return new UacDlgRequest("NOTIFY", uri, all) { Body = body };
    }

    /// <summary>A From tag: 128 random bits from <see cref="RandomNumberGenerator"/> as 32 lowercase hex digits.</summary>
    /// <returns>The tag.</returns>
    public static string NewTag() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static void CheckUri(string uri)
    {
        if (!SipUri.TryValidate(uri, allowTel: true, out var problem))
        {
            throw new ArgumentException($"The URI '{SipHeaderValidation.Printable(uri ?? string.Empty)}' is not a sip:, sips: or tel: URI ({problem}); for example sip:alice@192.0.2.10:5060.", nameof(uri));
        }
    }

    private static void RefuseGiven(SipHeaders? headers, string name, string reason)
    {
        if (headers is not null && headers.Contains(name))
        {
            throw new ArgumentException($"The header '{name}' must not be in the extra headers: {reason}.", nameof(headers));
        }
    }

    private static SipHeaders StartWithParties(string uri, SipHeaders? headers)
    {
        // From then To (the caller's lines when given, in their order), as in the captured requests.
        var all = new SipHeaders();
        AddOrGenerate(all, headers, "From", () => $"<{uri}>;tag={NewTag()}");
        AddOrGenerate(all, headers, "To", () => $"<{uri}>");
        return all;
    }

    private static void AddOrGenerate(SipHeaders all, SipHeaders? headers, string name, Func<string> generate)
    {
        var given = false;
        foreach (var header in headers ?? [])
        {
            if (SipHeaderValidation.SameHeader(header.Name, name))
            {
                all.Add(header.Name, header.Value);
                given = true;
            }
        }

        if (!given)
        {
            all.Add(name, generate());
        }
    }

    private static void AppendCallerHeaders(SipHeaders all, SipHeaders? headers)
    {
        foreach (var header in headers ?? [])
        {
            if (!SipHeaderValidation.SameHeader(header.Name, "From") && !SipHeaderValidation.SameHeader(header.Name, "To"))
            {
                all.Add(header.Name, header.Value);
            }
        }
    }
}
