namespace OpenSips.Mi.Commands;

/// <summary>
/// One MI command under its OpenSIPS 3.x and 4.0 names, as the real servers list and accept them (see
/// <see cref="MiCommandCatalog"/>).
/// </summary>
/// <param name="Module">The 4.0 prefix: the exporting module (<c>usrloc</c>, <c>dialog</c>…) or a core group (<c>core</c>, <c>mem</c>, <c>tcp</c>, <c>cache</c>, <c>evi</c>, <c>statistics</c>…).</param>
/// <param name="V3Name">The 3.x name, for example <c>ul_show_contact</c>; <see langword="null"/> for a command new in 4.0.</param>
/// <param name="V4Name">The 4.0 name, for example <c>usrloc:show_contact</c>; <see langword="null"/> for a 3.x command 4.0 no longer has.</param>
/// <param name="V3NameKeptInV4">
/// Whether 4.0.1 still accepts the 3.x name (as an alias, or as the command's bare local name such as <c>uptime</c>):
/// false for <c>domain_dump</c>, <c>domain_reload</c>, <c>pike_list</c>, <c>pike_rm</c>, and for 3.x commands 4.0 does not have.
/// </param>
/// <param name="Versions">The tested versions whose <c>which</c> lists the command: <c>3.4.18</c>, <c>3.6.8</c>, <c>4.0.1</c>.</param>
public sealed record MiCommandName(string Module, string? V3Name, string? V4Name, bool V3NameKeptInV4, IReadOnlyList<string> Versions)
{
    /// <summary>The name to send to a server of <paramref name="dialect"/> (the 3.x name when the dialect is unknown, if there is one).</summary>
    /// <param name="dialect">The server's dialect.</param>
    /// <returns>The name.</returns>
    public string NameFor(MiDialect dialect) => dialect == MiDialect.OpenSips4
        ? V4Name ?? V3Name!
        : V3Name ?? V4Name!;

    /// <summary>The names a server of <paramref name="dialect"/> accepts for this command (4.0: its name, and the 3.x name when kept).</summary>
    /// <param name="dialect">The server's dialect.</param>
    /// <returns>The names, the listed one first; empty when that dialect has no such command.</returns>
    public IReadOnlyList<string> NamesAcceptedBy(MiDialect dialect) => dialect switch
    {
        MiDialect.OpenSips4 when V4Name is null => [],
        MiDialect.OpenSips4 => V3NameKeptInV4 && V3Name is not null ? [V4Name, V3Name] : [V4Name],
        MiDialect.OpenSips3 => V3Name is null ? [] : [V3Name],
        _ => new[] { V3Name, V4Name }.OfType<string>().ToArray(),
    };

    /// <summary>The other name of the command, or <see langword="null"/> when it has only one.</summary>
    internal string? OtherName(string name) => name == V3Name ? V4Name : name == V4Name ? V3Name : null;

    /// <summary>What a server accepting <paramref name="name"/> is: a 4.0 name proves 4.0, a 3.x name 4.0 dropped proves 3.x.</summary>
    internal MiDialect DialectProvenBy(string name) =>
        name == V4Name ? MiDialect.OpenSips4
        : name == V3Name && !V3NameKeptInV4 ? MiDialect.OpenSips3
        : MiDialect.Unknown;
}
