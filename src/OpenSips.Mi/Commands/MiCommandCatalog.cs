using System.Collections.Frozen;

namespace OpenSips.Mi.Commands;

/// <summary>
/// The MI commands of the modules this library has typed commands for (and the core), under their OpenSIPS 3.x and
/// 4.0 names, as listed by <c>which</c> on real 3.4.18, 3.6.8 and 4.0.1 servers and probed on 4.0.1 for the 3.x names
/// it still accepts. Commands of other modules are not in it: call them by the name your server lists.
/// </summary>
/// <example>
/// <code>
/// var entry = MiCommandCatalog.Find("ul_show_contact")!;
/// Console.WriteLine(entry.V4Name);                                   // usrloc:show_contact
/// Console.WriteLine(MiCommandCatalog.NameFor("domain_dump", MiDialect.OpenSips4)); // domain:dump
/// </code>
/// </example>
public static partial class MiCommandCatalog
{
    /// <summary>Every command, in the order OpenSIPS 3.6.8 lists them, then those only 3.4 or only 4.0 has.</summary>
    public static IReadOnlyList<MiCommandName> All { get; } = CreateEntries();

    // Declared after All: static initializers run in textual order within one file.
    private static readonly FrozenDictionary<string, MiCommandName> ByName = Index();

    /// <summary>Finds a command by its 3.x or its 4.0 name (exact, case-sensitive like OpenSIPS).</summary>
    /// <param name="name">A name such as <c>ul_dump</c> or <c>usrloc:dump</c>.</param>
    /// <returns>The command, or <see langword="null"/> when it is not in the catalogue.</returns>
    public static MiCommandName? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.GetValueOrDefault(name);
    }

    /// <summary>
    /// The name of a command for a server of <paramref name="dialect"/>: <c>NameFor("ul_dump", OpenSips4)</c> is
    /// <c>usrloc:dump</c>, <c>NameFor("usrloc:dump", OpenSips3)</c> is <c>ul_dump</c>. A name the catalogue does not know,
    /// or an <see cref="MiDialect.Unknown"/> dialect, gives <paramref name="name"/> back unchanged.
    /// </summary>
    /// <param name="name">A 3.x or 4.0 name.</param>
    /// <param name="dialect">The server's dialect.</param>
    /// <returns>The name to send.</returns>
    public static string NameFor(string name, MiDialect dialect) =>
        dialect == MiDialect.Unknown || Find(name) is not { } known ? name : known.NameFor(dialect);

    /// <summary>The dialect a <c>which</c> list is in: 4.0 names all carry a <c>module:</c> prefix, 3.x names never do.</summary>
    /// <param name="names">The names <c>which</c> answered.</param>
    /// <returns>The dialect, or <see cref="MiDialect.Unknown"/> for an empty list.</returns>
    public static MiDialect DialectOf(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var any = false;
        foreach (var name in names)
        {
            if (name.Contains(':', StringComparison.Ordinal))
            {
                return MiDialect.OpenSips4;
            }

            any = true;
        }

        return any ? MiDialect.OpenSips3 : MiDialect.Unknown;
    }

    private static FrozenDictionary<string, MiCommandName> Index()
    {
        var index = new Dictionary<string, MiCommandName>(StringComparer.Ordinal);
        foreach (var entry in All)
        {
            if (entry.V3Name is { } v3)
            {
                index.Add(v3, entry);
            }

            if (entry.V4Name is { } v4)
            {
                index.Add(v4, entry);
            }
        }

        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static MiCommandName C(string module, string? v3, string? v4, bool kept, string versions) =>
        new(module, v3, v4, kept, versions.Split(' '));
}
