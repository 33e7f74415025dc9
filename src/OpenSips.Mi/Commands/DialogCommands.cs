using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed dialog module commands: <c>dlg_list</c>, <c>dlg_list_ctx</c>, <c>dlg_end_dlg</c>, <c>profile_get_size</c>,
/// <c>profile_list_dlgs</c>, <c>list_all_profiles</c>. <c>dlg_list</c> and <c>dlg_list_ctx</c> only accept named
/// parameters, which these methods send.
/// </summary>
/// <example>
/// <code>
/// var page = await mi.DlgListAsync(index: 0, counter: 50);
/// Console.WriteLine($"{page.Count} dialogs, first: {page.Dialogs.FirstOrDefault()?.CallId}");
/// await mi.DlgEndDlgAsync(page.Dialogs[0].Id!);
/// </code>
/// </example>
public static class DialogCommands
{
    /// <summary>Runs <c>dlg_list</c>: every dialog.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The dialogs.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task<DialogList> DlgListAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list", MiParams.None, cancellationToken);

    /// <summary>Runs <c>dlg_list</c> for one dialog, by Call-ID (and From tag).</summary>
    /// <param name="client">The client.</param>
    /// <param name="callId">The Call-ID.</param>
    /// <param name="fromTag">The caller's From tag, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A list with the one matching dialog.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No such dialog").</exception>
    public static Task<DialogList> DlgListAsync(this MiClient client, string callId, string? fromTag = null, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list", ByCallId(callId, fromTag), cancellationToken);

    /// <summary>Runs <c>dlg_list</c> for one page of dialogs; the reply then also carries the total <see cref="DialogList.Count"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="index">The index of the first dialog to return.</param>
    /// <param name="counter">How many dialogs to return.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page and the total count.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task<DialogList> DlgListAsync(this MiClient client, int index, int counter, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list", Page(index, counter), cancellationToken);

    /// <summary>Runs <c>dlg_list_ctx</c>: every dialog with its context (dialog variables and profiles).</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The dialogs, each with <see cref="DialogInfo.Context"/>.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task<DialogList> DlgListCtxAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list_ctx", MiParams.None, cancellationToken);

    /// <summary>Runs <c>dlg_list_ctx</c> for one dialog, by Call-ID (and From tag).</summary>
    /// <param name="client">The client.</param>
    /// <param name="callId">The Call-ID.</param>
    /// <param name="fromTag">The caller's From tag, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A list with the one matching dialog.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No such dialog").</exception>
    public static Task<DialogList> DlgListCtxAsync(this MiClient client, string callId, string? fromTag = null, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list_ctx", ByCallId(callId, fromTag), cancellationToken);

    /// <summary>Runs <c>dlg_list_ctx</c> for one page of dialogs.</summary>
    /// <param name="client">The client.</param>
    /// <param name="index">The index of the first dialog to return.</param>
    /// <param name="counter">How many dialogs to return.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page and the total count.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task<DialogList> DlgListCtxAsync(this MiClient client, int index, int counter, CancellationToken cancellationToken = default) =>
        ListAsync(client, "dlg_list_ctx", Page(index, counter), cancellationToken);

    /// <summary>Runs <c>dlg_end_dlg</c>: ends a dialog by sending BYE to both sides.</summary>
    /// <param name="client">The client.</param>
    /// <param name="dialogId">The dialog's <see cref="DialogInfo.Id"/>.</param>
    /// <param name="extraHeaders">Extra headers for the BYEs, each line ended by CRLF, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No such dialog").</exception>
    public static Task DlgEndDlgAsync(this MiClient client, string dialogId, string? extraHeaders = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dialogId);
        var parameters = extraHeaders is null ? MiParams.Positional(dialogId) : MiParams.Positional(dialogId, extraHeaders);
        return MiReply.RunOkAsync(client, "dlg_end_dlg", parameters, cancellationToken);
    }

    /// <summary>Runs <c>profile_get_size</c>: how many dialogs are in a profile (or in one value of it).</summary>
    /// <param name="client">The client.</param>
    /// <param name="profile">The profile name.</param>
    /// <param name="value">One value of a profile with values, or <see langword="null"/> for the whole profile.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The profile and its dialog count.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Profile not found").</exception>
    public static async Task<DialogProfileSize> ProfileGetSizeAsync(this MiClient client, string profile, string? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var parameters = value is null ? MiParams.Positional(profile) : MiParams.Positional(profile, value);
        var result = await MiReply.RunAsync(client, "profile_get_size", parameters, cancellationToken).ConfigureAwait(false);
        return DialogProfileSize.Read(MiReply.TryMember(result, "Profile", out var p) ? p : result);
    }

    /// <summary>Runs <c>profile_list_dlgs</c>: the dialogs in a profile (or in one value of it).</summary>
    /// <param name="client">The client.</param>
    /// <param name="profile">The profile name.</param>
    /// <param name="value">One value of a profile with values, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The dialogs.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Profile not found").</exception>
    public static Task<DialogList> ProfileListDlgsAsync(this MiClient client, string profile, string? value = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var parameters = value is null ? MiParams.Positional(profile) : MiParams.Positional(profile, value);
        return ListAsync(client, "profile_list_dlgs", parameters, cancellationToken);
    }

    /// <summary>Runs <c>list_all_profiles</c>: the dialog profiles defined in the script.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The profiles.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<DialogProfileInfo>> ListAllProfilesAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<DialogProfileInfo>.Read(await MiReply.RunAsync(client, "list_all_profiles", MiParams.None, cancellationToken).ConfigureAwait(false), "Profiles", DialogProfileInfo.Read);

    private static async Task<DialogList> ListAsync(MiClient client, string method, MiParams parameters, CancellationToken cancellationToken) =>
        DialogList.Read(await MiReply.RunAsync(client, method, parameters, cancellationToken).ConfigureAwait(false));

    private static MiParams ByCallId(string callId, string? fromTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return fromTag is null ? MiParams.Named(("callid", callId)) : MiParams.Named(("callid", callId), ("from_tag", fromTag));
    }

    private static MiParams Page(int index, int counter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(counter);
        return MiParams.Named(("index", index), ("counter", counter));
    }
}

/// <summary>The state of a dialog as OpenSIPS numbers it.</summary>
public enum DialogState
{
    /// <summary>A state number this library does not know.</summary>
    Unknown = 0,

    /// <summary>1: the initial request was seen, no reply yet.</summary>
    Unconfirmed = 1,

    /// <summary>2: a provisional reply was seen.</summary>
    Early = 2,

    /// <summary>3: answered, ACK not seen yet.</summary>
    ConfirmedNoAck = 3,

    /// <summary>4: answered and acknowledged.</summary>
    Confirmed = 4,

    /// <summary>5: ended.</summary>
    Deleted = 5,
}

/// <summary>The reply of <c>dlg_list</c>, <c>dlg_list_ctx</c> and <c>profile_list_dlgs</c> (<c>{"Dialogs":[…]}</c>, or <c>{"Dialog":{…}}</c> for one).</summary>
/// <param name="Count">The total number of dialogs, sent only when a page (index, counter) was asked for.</param>
/// <param name="Dialogs">The dialogs.</param>
/// <param name="Raw">The JSON result.</param>
public sealed record DialogList(long? Count, IReadOnlyList<DialogInfo> Dialogs, JsonElement Raw)
{
    internal static DialogList Read(JsonElement e)
    {
        IReadOnlyList<DialogInfo> dialogs = MiReply.TryMember(e, "Dialog", out var one)
            ? [DialogInfo.Read(one)]
            : MiReply.List(e, "Dialogs", DialogInfo.Read);
        return new(MiReply.Int64(e, "count"), dialogs, e);
    }
}

/// <summary>One dialog.</summary>
/// <param name="Id">The dialog id (use it with <c>dlg_end_dlg</c>).</param>
/// <param name="DbId">The database id (a 64-bit number sent as text).</param>
/// <param name="StateNumber">The state number.</param>
/// <param name="UserFlags">The user flags as a list of names.</param>
/// <param name="TimeStart">The start time, from the unix time <c>timestart</c> (<see langword="null"/> when 0).</param>
/// <param name="Timeout">When the dialog times out, from the unix time <c>timeout</c> (<see langword="null"/> when 0).</param>
/// <param name="CallId">The Call-ID.</param>
/// <param name="FromUri">The From URI.</param>
/// <param name="ToUri">The To URI.</param>
/// <param name="CallerTag">The caller's tag.</param>
/// <param name="CallerContact">The caller's contact.</param>
/// <param name="CalleeCSeq">The last CSeq seen from the callee side (<c>callee_cseq</c>).</param>
/// <param name="CallerRouteSet">The caller's route set.</param>
/// <param name="CallerBindAddress">The socket on the caller side.</param>
/// <param name="Callees">The callee legs.</param>
/// <param name="Context">The context (variables and profiles) from <c>dlg_list_ctx</c>, else <see langword="null"/>.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DialogInfo(
    string? Id, string? DbId, int? StateNumber, string? UserFlags, DateTimeOffset? TimeStart, DateTimeOffset? Timeout, string? CallId, string? FromUri,
    string? ToUri, string? CallerTag, string? CallerContact, string? CalleeCSeq, string? CallerRouteSet, string? CallerBindAddress,
    IReadOnlyList<DialogCallee> Callees, DialogContext? Context, JsonElement Raw)
{
    /// <summary>The state as an enum.</summary>
    public DialogState State => StateNumber is >= 1 and <= 5 ? (DialogState)StateNumber.Value : DialogState.Unknown;

    internal static DialogInfo Read(JsonElement e) => new(
        MiReply.String(e, "ID"), MiReply.String(e, "db_id"), MiReply.Int32(e, "state"), MiReply.String(e, "user_flags"),
        MiReply.UnixTime(MiReply.Int64(e, "timestart")), MiReply.UnixTime(MiReply.Int64(e, "timeout")),
        MiReply.String(e, "callid"), MiReply.String(e, "from_uri"), MiReply.String(e, "to_uri"), MiReply.String(e, "caller_tag"),
        MiReply.String(e, "caller_contact"), MiReply.String(e, "callee_cseq"), MiReply.String(e, "caller_route_set"), MiReply.String(e, "caller_bind_addr"),
        MiReply.List(e, "CALLEES", DialogCallee.Read),
        MiReply.TryMember(e, "context", out var context) ? DialogContext.Read(context) : null,
        e);
}

/// <summary>One callee leg of a dialog.</summary>
/// <param name="Tag">The callee's tag.</param>
/// <param name="Contact">The callee's contact.</param>
/// <param name="CallerCSeq">The last CSeq seen from the caller side (<c>caller_cseq</c>).</param>
/// <param name="RouteSet">The callee's route set.</param>
/// <param name="BindAddress">The socket on the callee side (<see langword="null"/> when not known yet).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DialogCallee(string? Tag, string? Contact, string? CallerCSeq, string? RouteSet, string? BindAddress, JsonElement Raw)
{
    internal static DialogCallee Read(JsonElement e) => new(
        MiReply.String(e, "callee_tag"), MiReply.String(e, "callee_contact"), MiReply.String(e, "caller_cseq"),
        MiReply.String(e, "callee_route_set"), MiReply.String(e, "callee_bind_addr"), e);
}

/// <summary>The context of a dialog (<c>dlg_list_ctx</c>): <c>{"values":[{name:value}…],"profiles":[{profile:value}…]}</c>.</summary>
/// <param name="Values">The dialog variables (numbers as text).</param>
/// <param name="Profiles">The profiles the dialog belongs to, with the value (empty for profiles without value).</param>
/// <param name="Raw">The JSON element (modules may add their own members).</param>
public sealed record DialogContext(IReadOnlyList<KeyValuePair<string, string?>> Values, IReadOnlyList<KeyValuePair<string, string?>> Profiles, JsonElement Raw)
{
    internal static DialogContext Read(JsonElement e) => new(Pairs(e, "values"), Pairs(e, "profiles"), e);

    private static KeyValuePair<string, string?>[] Pairs(JsonElement e, string name) =>
        MiReply.Array(e, name)
            .Where(item => item.ValueKind == JsonValueKind.Object)
            .SelectMany(item => item.EnumerateObject())
            .Select(p => new KeyValuePair<string, string?>(p.Name, MiReply.AsText(p.Value)))
            .ToArray();
}

/// <summary>The <c>profile_get_size</c> reply: <c>{"Profile":{"name","value","count","shared","replicated"}}</c>.</summary>
/// <param name="Name">The profile name.</param>
/// <param name="Value">The value asked for, or <see langword="null"/>.</param>
/// <param name="Count">The number of dialogs.</param>
/// <param name="Shared">Whether the profile is shared (<c>"yes"</c>/<c>"no"</c>).</param>
/// <param name="Replicated">Whether the profile is replicated.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DialogProfileSize(string? Name, string? Value, long? Count, bool? Shared, bool? Replicated, JsonElement Raw)
{
    internal static DialogProfileSize Read(JsonElement e) => new(
        MiReply.String(e, "name"), MiReply.String(e, "value"), MiReply.Int64(e, "count"), MiReply.Bool(e, "shared"), MiReply.Bool(e, "replicated"), e);
}

/// <summary>One entry of the <c>list_all_profiles</c> reply.</summary>
/// <param name="Name">The profile name.</param>
/// <param name="HasValue">Whether the profile keeps a value per dialog.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DialogProfileInfo(string? Name, bool? HasValue, JsonElement Raw)
{
    internal static DialogProfileInfo Read(JsonElement e) => new(MiReply.String(e, "name"), MiReply.Bool(e, "has value"), e);
}
