namespace OpenSips.Mi;

/// <summary><c>E_UL_AOR_INSERT</c> / <c>E_UL_AOR_DELETE</c>: <c>{"domain":"location","aor":"carol"}</c> (docs/wire-facts.md#ev-payloads).</summary>
/// <param name="Domain">The usrloc table (domain), e.g. <c>location</c>.</param>
/// <param name="Aor">The address of record (the user part when use_domain is off).</param>
public sealed record MiUsrlocAorEvent(string? Domain, string? Aor);

/// <summary>
/// <c>E_UL_CONTACT_INSERT</c> / <c>_UPDATE</c> / <c>_DELETE</c> / <c>_REFRESH</c>, as OpenSIPS 3.6.8 sends them (docs/wire-facts.md#ev-payloads).
/// </summary>
/// <param name="Domain">The usrloc table, e.g. <c>location</c>.</param>
/// <param name="Aor">The address of record.</param>
/// <param name="Uri">The contact URI, e.g. <c>sip:carol@127.0.0.1:5082</c>.</param>
/// <param name="Received">The received URI (NAT), or null.</param>
/// <param name="Path">The Path header value, or null.</param>
/// <param name="Qval">The q value; -1 when unset.</param>
/// <param name="UserAgent">The REGISTER's User-Agent.</param>
/// <param name="Socket">The OpenSIPS socket that received the REGISTER, e.g. <c>udp:127.0.0.1:5060</c>.</param>
/// <param name="Bflags">The branch flags.</param>
/// <param name="Expires">When the contact expires (OpenSIPS sends absolute unix time).</param>
/// <param name="CallId">The REGISTER's Call-ID.</param>
/// <param name="CSeq">The REGISTER's CSeq number.</param>
/// <param name="Attr">The contact's attributes.</param>
/// <param name="Latency">The measured latency (pinging), 0 when unknown.</param>
/// <param name="Shtag">The sharing tag (clustering).</param>
public sealed record MiUsrlocContactEvent(
    string? Domain,
    string? Aor,
    string? Uri,
    string? Received,
    string? Path,
    double? Qval,
    string? UserAgent,
    string? Socket,
    long? Bflags,
    DateTimeOffset? Expires,
    string? CallId,
    long? CSeq,
    string? Attr,
    long? Latency,
    string? Shtag);

/// <summary>
/// The dialog module's <c>E_DLG_STATE_CHANGED</c> (from the OpenSIPS dialog module documentation; not captured here).
/// States: 1 unconfirmed, 2 early, 3 confirmed not acknowledged, 4 confirmed, 5 deleted.
/// </summary>
/// <param name="Id">The dialog id (<c>hash_entry.hash_id</c> or the 64-bit id, as sent).</param>
/// <param name="DbId">The dialog's database id.</param>
/// <param name="CallId">The Call-ID.</param>
/// <param name="FromTag">The caller's tag.</param>
/// <param name="ToTag">The callee's tag.</param>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
/// <param name="HashEntry">The dialog's hash entry, when sent.</param>
/// <param name="HashId">The dialog's hash id, when sent.</param>
public sealed record MiDialogStateChangedEvent(
    string? Id,
    string? DbId,
    string? CallId,
    string? FromTag,
    string? ToTag,
    long? OldState,
    long? NewState,
    long? HashEntry,
    long? HashId);

/// <summary>The core's <c>E_CORE_THRESHOLD</c>: an operation took longer than its threshold (shape as captured, docs/wire-facts.md#ev-payloads).</summary>
/// <param name="Source">What was slow (e.g. <c>mysql</c>, <c>dns</c>, <c>msg processing</c>).</param>
/// <param name="Time">How long it took, in microseconds.</param>
/// <param name="Extra">Details (the query, the host name, …).</param>
public sealed record MiCoreThresholdEvent(string? Source, long? Time, string? Extra);

/// <summary>The pike module's <c>E_PIKE_BLOCKED</c>: an IP was blocked for flooding (from the pike module documentation).</summary>
/// <param name="Ip">The blocked address.</param>
public sealed record MiPikeBlockedEvent(string? Ip);
