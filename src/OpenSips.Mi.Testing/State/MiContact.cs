namespace OpenSips.Mi.Testing;

/// <summary>A registered contact in the emulator's usrloc (field names as <c>ul_show_contact</c> prints them).</summary>
public sealed record MiContact
{
    /// <summary>The contact URI.</summary>
    public required string Contact { get; init; }

    /// <summary>usrloc's 64-bit contact id (printed as a string).</summary>
    public string ContactId { get; init; } = "0";

    /// <summary>When the contact expires (absolute, emulator clock); <see cref="DateTimeOffset.MaxValue"/> for a permanent contact (<c>ul_add</c> with expires 0), printed as <c>"permanent"</c>.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>q value as text, empty when unset.</summary>
    public string Q { get; init; } = string.Empty;

    /// <summary>Call-ID of the REGISTER.</summary>
    public string CallId { get; init; } = "emulator@127.0.0.1";

    /// <summary>CSeq of the REGISTER.</summary>
    public int CSeq { get; init; } = 1;

    /// <summary>User-Agent of the REGISTER.</summary>
    public string UserAgent { get; init; } = "opensips-wire-capture";

    /// <summary>usrloc state name.</summary>
    public string State { get; init; } = "CS_NEW";

    /// <summary>Branch flags.</summary>
    public int Flags { get; init; }

    /// <summary>Contact flags as text.</summary>
    public string Cflags { get; init; } = string.Empty;

    /// <summary>The receiving socket; empty for a contact without one (added with <c>ul_add</c>), which is then printed without <c>Socket</c>.</summary>
    public string Socket { get; init; } = "udp:127.0.0.1:5060";

    /// <summary>Allowed methods bitmask (4294967295 = all, which exceeds int32).</summary>
    public long Methods { get; init; } = 4294967295;
}
