namespace OpenSips.Mi.Sip;

/// <summary>
/// One request for OpenSIPS's <c>t_uac_dlg</c> (tm): OpenSIPS builds the SIP request from these parts, sends it and
/// answers when the final SIP reply arrives. Sent as NAMED parameters only (<c>method</c>, <c>ruri</c>, <c>headers</c>,
/// and <c>next_hop</c>, <c>socket</c>, <c>body</c> when set); OpenSIPS refuses positional ones.
/// </summary>
/// <example>
/// <code>
/// var request = new UacDlgRequest("NOTIFY", "sip:alice@192.0.2.10:5060", new SipHeaders
/// {
///     { "From", "&lt;sip:opensips@192.0.2.1&gt;;tag=8755a8d0" },
///     { "To", "&lt;sip:alice@192.0.2.10&gt;" },
///     { "Event", "check-sync" },
/// });
/// UacResult result = await mi.UacDlgAsync(request);
/// </code>
/// </example>
public sealed class UacDlgRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="method">The SIP method (a SIP token such as <c>NOTIFY</c>).</param>
    /// <param name="requestUri">The request URI (<c>sip:</c>, <c>sips:</c> or <c>tel:</c>).</param>
    /// <param name="headers">The headers; <c>From</c> and <c>To</c> are required.</param>
    public UacDlgRequest(string method, string requestUri, SipHeaders headers)
    {
        Method = method;
        RequestUri = requestUri;
        Headers = headers;
    }

    /// <summary>The SIP method, for example <c>NOTIFY</c>.</summary>
    public string Method { get; init; }

    /// <summary>The request URI (<c>ruri</c>), for example <c>sip:alice@192.0.2.10:5060</c>.</summary>
    public string RequestUri { get; init; }

    /// <summary>The headers, in order. <c>From</c> and <c>To</c> are required; OpenSIPS adds Via, CSeq (10), Call-ID, Max-Forwards, Content-Length and User-Agent and a From tag when missing.</summary>
    public SipHeaders Headers { get; init; }

    /// <summary>Where to send the request instead of the request URI's host (<c>next_hop</c>), a SIP URI such as <c>sip:192.0.2.1:5060</c>; the request URI is unchanged.</summary>
    public string? NextHop { get; init; }

    /// <summary>The local socket OpenSIPS sends from (<c>socket</c>), in its <c>udp:192.0.2.1:5060</c> form; it must be one OpenSIPS listens on.</summary>
    public string? Socket { get; init; }

    /// <summary>The body, sent verbatim (no escapes are interpreted); needs a <c>Content-Type</c> header. Do not add Content-Length: OpenSIPS computes it.</summary>
    public string? Body { get; init; }

    /// <summary>Checks everything OpenSIPS would refuse, and header injection, without sending anything.</summary>
    /// <exception cref="ArgumentException">A part is invalid; the message names the header or parameter.</exception>
    public void Validate() => SipHeaderValidation.ValidateRequest(Method, RequestUri, Headers, NextHop, Socket, Body);

    /// <summary>The named MI parameters for <c>t_uac_dlg</c>, after <see cref="Validate"/>.</summary>
    /// <returns>The parameters.</returns>
    /// <exception cref="ArgumentException">A part is invalid.</exception>
    public MiParams ToParams()
    {
        Validate();
        var members = new List<KeyValuePair<string, MiValue>>(6)
        {
            new("method", Method),
            new("ruri", RequestUri),
            new("headers", Headers.ToHeaderBlock()),
        };
        if (NextHop is not null)
        {
            members.Add(new("next_hop", NextHop));
        }

        if (Socket is not null)
        {
            members.Add(new("socket", Socket));
        }

        if (Body is not null)
        {
            members.Add(new("body", Body));
        }

        return MiParams.FromNamed(members);
    }
}
