using OpenSips.Mi.Commands;

namespace OpenSips.Mi.Cli;

/// <summary>
/// The MI command names the CLI offers for a server (the <c>commands</c> listing and shell completion): the names its
/// <c>which</c> lists, and on OpenSIPS 4.0 also the 3.x names it still accepts (<c>ul_dump</c> for <c>usrloc:dump</c>;
/// not <c>domain_dump</c>, which 4.0 dropped). 3.x servers accept no 4.0 name, so nothing is added for them.
/// </summary>
internal static class CommandNames
{
    /// <summary>Each listed name followed by the other names the server accepts for the same command.</summary>
    public static IEnumerable<(string Listed, IReadOnlyList<string> Aliases)> WithAliases(IReadOnlyList<string> listed)
    {
        var dialect = MiCommandCatalog.DialectOf(listed);
        foreach (var name in listed)
        {
            IReadOnlyList<string> aliases = dialect == MiDialect.OpenSips4 && MiCommandCatalog.Find(name) is { } known
                ? known.NamesAcceptedBy(MiDialect.OpenSips4).Where(n => n != name).ToArray()
                : [];
            yield return (name, aliases);
        }
    }

    /// <summary>Every name to complete: the listed ones first, then the accepted aliases.</summary>
    public static IReadOnlyList<string> Offered(IReadOnlyList<string> listed)
    {
        var all = WithAliases(listed).ToList();
        return all.Select(n => n.Listed).Concat(all.SelectMany(n => n.Aliases)).Distinct(StringComparer.Ordinal).ToArray();
    }
}
