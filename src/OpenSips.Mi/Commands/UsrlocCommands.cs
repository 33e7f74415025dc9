using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed usrloc commands: <c>ul_show_contact</c>, <c>ul_dump</c>, <c>ul_add</c>, <c>ul_rm</c>, <c>ul_rm_contact</c>,
/// <c>ul_flush</c>, <c>ul_sync</c>. The table is the usrloc domain, usually <c>location</c>.
/// </summary>
/// <example>
/// <code>
/// var alice = await mi.UlShowContactAsync("location", "alice");
/// foreach (var contact in alice.Contacts)
/// {
///     Console.WriteLine($"{contact.Contact} expires in {contact.Expires}");
/// }
/// </code>
/// </example>
public static class UsrlocCommands
{
    /// <summary>Runs <c>ul_show_contact</c>: the contacts registered for one AOR.</summary>
    /// <param name="client">The client.</param>
    /// <param name="table">The usrloc table, usually <c>location</c>.</param>
    /// <param name="aor">The address of record (the user part when usrloc's use_domain is off).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The AOR and its contacts.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "AOR not found", 404 "Table not found").</exception>
    public static async Task<UsrlocAor> UlShowContactAsync(this MiClient client, string table, string aor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(aor);
        var result = await MiReply.RunAsync(client, "ul_show_contact", MiParams.Positional(table, aor), cancellationToken).ConfigureAwait(false);
        return UsrlocAor.Read(MiReply.RequireObject(result, "ul_show_contact"));
    }

    /// <summary>Runs <c>ul_dump</c>: every AOR with its contacts (over UDP the reply must fit one datagram, about 200 AORs).</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The usrloc domains.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<UsrlocDump> UlDumpAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        UsrlocDump.Read(await MiReply.RunAsync(client, "ul_dump", MiParams.None, cancellationToken).ConfigureAwait(false));

    /// <summary>Runs <c>ul_dump</c> with <c>brief</c>: AOR names only (their <see cref="UsrlocAor.Contacts"/> are empty).</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The usrloc domains.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<UsrlocDump> UlDumpBriefAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        UsrlocDump.Read(await MiReply.RunAsync(client, "ul_dump", MiParams.Named(("brief", 1)), cancellationToken).ConfigureAwait(false));

    /// <summary>Runs <c>ul_add</c>: adds (or updates) a contact.</summary>
    /// <param name="client">The client.</param>
    /// <param name="table">The usrloc table.</param>
    /// <param name="aor">The address of record.</param>
    /// <param name="contact">The contact URI.</param>
    /// <param name="expires">How long the contact lives (whole seconds; <see cref="TimeSpan.Zero"/> for a permanent contact).</param>
    /// <param name="q">The q value, 0 to 1 (OpenSIPS's ul_add requires one).</param>
    /// <param name="flags">The usrloc flags.</param>
    /// <param name="branchFlags">The branch flags (<c>cflags</c>).</param>
    /// <param name="methods">The methods bit mask (<see cref="uint.MaxValue"/> for all); sent as the 32-bit pattern OpenSIPS reads.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (400 "Bad parameter value").</exception>
    public static Task UlAddAsync(this MiClient client, string table, string aor, string contact, TimeSpan expires, double q = 1.0, int flags = 0, int branchFlags = 0, uint methods = uint.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(aor);
        ArgumentException.ThrowIfNullOrEmpty(contact);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var qText = q.ToString("0.###", CultureInfo.InvariantCulture);
        var parameters = MiParams.Positional(table, aor, contact, checked((int)Math.Ceiling(expires.TotalSeconds)), qText, flags, branchFlags, unchecked((int)methods));
        return MiReply.RunOkAsync(client, "ul_add", parameters, cancellationToken);
    }

    /// <summary>Runs <c>ul_rm</c>: deletes an AOR and all its contacts.</summary>
    /// <param name="client">The client.</param>
    /// <param name="table">The usrloc table.</param>
    /// <param name="aor">The address of record.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task UlRmAsync(this MiClient client, string table, string aor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(aor);
        return MiReply.RunOkAsync(client, "ul_rm", MiParams.Positional(table, aor), cancellationToken);
    }

    /// <summary>Runs <c>ul_rm_contact</c>: deletes one contact of an AOR.</summary>
    /// <param name="client">The client.</param>
    /// <param name="table">The usrloc table.</param>
    /// <param name="aor">The address of record.</param>
    /// <param name="contact">The contact URI, exactly as registered.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "AOR not found", 404 "Contact not found").</exception>
    public static Task UlRmContactAsync(this MiClient client, string table, string aor, string contact, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(aor);
        ArgumentException.ThrowIfNullOrEmpty(contact);
        return MiReply.RunOkAsync(client, "ul_rm_contact", MiParams.Positional(table, aor, contact), cancellationToken);
    }

    /// <summary>Runs <c>ul_flush</c>: writes cached usrloc changes to the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task UlFlushAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "ul_flush", MiParams.None, cancellationToken);

    /// <summary>
    /// Runs <c>ul_sync</c>: rewrites the database copy of a table (or one AOR) from memory. OpenSIPS reports "nothing to do"
    /// as error code 200 "Contacts already synced"; this method returns that message instead of throwing.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="table">The usrloc table.</param>
    /// <param name="aor">One AOR, or <see langword="null"/> for the whole table.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><c>OK</c>, or <c>Contacts already synced</c>.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error other than code 200.</exception>
    public static async Task<string> UlSyncAsync(this MiClient client, string table, string? aor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(table);
        var parameters = aor is null ? MiParams.Positional(table) : MiParams.Positional(table, aor);
        var response = await MiReply.SendAsync(client, "ul_sync", parameters, cancellationToken).ConfigureAwait(false);
        if (response.Error is { Code: 200 } synced)
        {
            return synced.Message;
        }

        return MiReply.AsText(response.GetResult()) ?? "OK";
    }
}

/// <summary>The <c>ul_dump</c> reply: <c>{"Domains":[…]}</c>.</summary>
/// <param name="Domains">The usrloc domains (tables).</param>
/// <param name="Raw">The JSON result.</param>
public sealed record UsrlocDump(IReadOnlyList<UsrlocDomain> Domains, JsonElement Raw)
{
    /// <summary>Every AOR of every domain.</summary>
    public IEnumerable<UsrlocAor> Aors => Domains.SelectMany(d => d.Aors);

    internal static UsrlocDump Read(JsonElement e) => new(MiReply.List(e, "Domains", UsrlocDomain.Read), e);
}

/// <summary>One usrloc domain of the <c>ul_dump</c> reply.</summary>
/// <param name="Name">The table name, for example <c>location</c>.</param>
/// <param name="HashSize">The hash table size.</param>
/// <param name="Aors">The AORs.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record UsrlocDomain(string? Name, int? HashSize, IReadOnlyList<UsrlocAor> Aors, JsonElement Raw)
{
    internal static UsrlocDomain Read(JsonElement e) =>
        new(MiReply.String(e, "name"), MiReply.Int32(e, "hash_size"), MiReply.List(e, "AORs", UsrlocAor.Read), e);
}

/// <summary>An AOR with its contacts (the <c>ul_show_contact</c> reply, and each AOR of <c>ul_dump</c>).</summary>
/// <param name="Aor">The address of record.</param>
/// <param name="Contacts">The contacts (empty in a brief dump).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record UsrlocAor(string? Aor, IReadOnlyList<UsrlocContact> Contacts, JsonElement Raw)
{
    internal static UsrlocAor Read(JsonElement e) => new(MiReply.String(e, "AOR"), MiReply.List(e, "Contacts", UsrlocContact.Read), e);
}

/// <summary>One registered contact.</summary>
/// <param name="Contact">The contact URI.</param>
/// <param name="ContactId">The contact id (a 64-bit number OpenSIPS sends as a string).</param>
/// <param name="Expires">Seconds until expiry, or <see langword="null"/> when OpenSIPS sent text (see <paramref name="ExpiresText"/>).</param>
/// <param name="ExpiresText">The <c>Expires</c> member as text: a number, or <c>permanent</c>, <c>deleted</c>, <c>expired</c>.</param>
/// <param name="Q">The q value, or <see langword="null"/> when unset (OpenSIPS sends <c>""</c>).</param>
/// <param name="QText">The <c>Q</c> member as sent.</param>
/// <param name="CallId">The Call-ID of the registration.</param>
/// <param name="CSeq">The CSeq number of the registration.</param>
/// <param name="UserAgent">The User-Agent of the registration.</param>
/// <param name="Received">The received address, when NAT was detected.</param>
/// <param name="Path">The Path header, when present.</param>
/// <param name="State">The database sync state, for example <c>CS_NEW</c>.</param>
/// <param name="Flags">The usrloc flags.</param>
/// <param name="BranchFlags">The branch flags (<c>Cflags</c>, a list of flag names).</param>
/// <param name="Socket">The socket the registration came in on, for example <c>udp:127.0.0.1:5060</c>.</param>
/// <param name="Methods">The methods bit mask (4294967295 for all, which does not fit an <see cref="int"/>).</param>
/// <param name="Attributes">The <c>Attr</c> member, when present.</param>
/// <param name="SipInstance">The <c>SIP_instance</c> member, when present.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record UsrlocContact(
    string? Contact, string? ContactId, long? Expires, string? ExpiresText, double? Q, string? QText, string? CallId, long? CSeq, string? UserAgent,
    string? Received, string? Path, string? State, long? Flags, string? BranchFlags, string? Socket, long? Methods, string? Attributes, string? SipInstance,
    JsonElement Raw)
{
    /// <summary>True for a contact that never expires.</summary>
    public bool IsPermanent => string.Equals(ExpiresText, "permanent", StringComparison.OrdinalIgnoreCase);

    internal static UsrlocContact Read(JsonElement e)
    {
        var q = MiReply.String(e, "Q");
        return new(
            MiReply.String(e, "Contact"), MiReply.String(e, "ContactID"), MiReply.Int64(e, "Expires"), MiReply.String(e, "Expires"),
            double.TryParse(q, NumberStyles.Float, CultureInfo.InvariantCulture, out var qValue) && qValue >= 0 ? qValue : null, q,
            MiReply.String(e, "Callid"), MiReply.Int64(e, "Cseq"), MiReply.String(e, "User-agent"), MiReply.String(e, "Received"), MiReply.String(e, "Path"),
            MiReply.String(e, "State"), MiReply.Int64(e, "Flags"), MiReply.String(e, "Cflags"), MiReply.String(e, "Socket"), MiReply.Int64(e, "Methods"),
            MiReply.String(e, "Attr"), MiReply.String(e, "SIP_instance"), e);
    }
}
