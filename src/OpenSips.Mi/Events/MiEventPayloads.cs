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
/// <param name="Qval">usrloc's q value as OpenSIPS sends it: q × 1000 (500 for q=0.5, 1000 for q=1), -1 when the contact has none.</param>
/// <param name="UserAgent">The REGISTER's User-Agent.</param>
/// <param name="Socket">The OpenSIPS socket that received the REGISTER, e.g. <c>udp:127.0.0.1:5060</c>; empty for a contact added with <c>ul_add</c>.</param>
/// <param name="Bflags">The contact's branch flags (<c>cflags</c>), not its usrloc flags.</param>
/// <param name="Expires">When the contact expires (OpenSIPS sends absolute unix time; 0, read as the epoch, for a permanent contact).</param>
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
/// The dialog module's <c>E_DLG_STATE_CHANGED</c>, as OpenSIPS 3.4.18, 3.6.8 and 4.0.1 send it for a real call:
/// <c>{"id":"…","db_id":"…","callid":"…","from_tag":"…","to_tag":"…","old_state":3,"new_state":4}</c> (id and db_id
/// are strings, the states numbers). States: 1 unconfirmed, 2 early, 3 confirmed not acknowledged, 4 confirmed, 5 deleted.
/// </summary>
/// <param name="Id">The dialog id, as <c>dlg_end_dlg</c> takes it.</param>
/// <param name="DbId">The dialog's database id.</param>
/// <param name="CallId">The Call-ID.</param>
/// <param name="FromTag">The caller's tag.</param>
/// <param name="ToTag">The callee's tag.</param>
/// <param name="OldState">The state before.</param>
/// <param name="NewState">The state now.</param>
/// <param name="HashEntry">The dialog's hash entry, when sent (OpenSIPS 3.4 to 4.0 do not send it: null).</param>
/// <param name="HashId">The dialog's hash id, when sent (OpenSIPS 3.4 to 4.0 do not send it: null).</param>
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

/// <summary>The pike module's <c>E_PIKE_BLOCKED</c>: an IP was blocked for flooding, <c>{"ip":"127.0.0.1"}</c> (as a real 3.4.18, 3.6.8 and 4.0.1 send it).</summary>
/// <param name="Ip">The blocked address.</param>
public sealed record MiPikeBlockedEvent(string? Ip);
