using System.Text.Json;

namespace OpenSips.Mi.Testing;

/// <summary>One command of an OpenSIPS command table (from an embedded <c>mi-commands*.json</c>).</summary>
/// <param name="Name">The name <c>which</c> lists (3.x: <c>ul_dump</c>; 4.0: <c>usrloc:dump</c>).</param>
/// <param name="Aliases">Other names it answers to (4.0: the 3.x name).</param>
/// <param name="ExportedBy">The module <c>help</c> names.</param>
/// <param name="Help">The help text.</param>
/// <param name="Recipes">The accepted parameter lists.</param>
/// <param name="AsyncReply">Whether the reply comes asynchronously (t_uac_dlg).</param>
internal sealed record CatalogCommand(string Name, IReadOnlyList<string> Aliases, string ExportedBy, string Help, MiCommandRecipes Recipes, bool AsyncReply);

/// <summary>Loads an OpenSIPS MI command table, in <c>which</c> order, with the known parameter types.</summary>
internal static class CommandCatalog
{
    private static readonly Dictionary<string, Dictionary<string, MiParamType>> KnownTypes = new(StringComparer.Ordinal)
    {
        ["log_level"] = new() { ["level"] = MiParamType.Int, ["pid"] = MiParamType.Int },
        ["xlog_level"] = new() { ["level"] = MiParamType.Int },
        ["get_statistics"] = new() { ["statistics"] = MiParamType.Array },
        ["list_statistics"] = new() { ["statistics"] = MiParamType.Array },
        ["reset_statistics"] = new() { ["statistics"] = MiParamType.Array },
        ["event_subscribe"] = new() { ["expire"] = MiParamType.Int },
        ["raise_event"] = new() { ["params"] = MiParamType.Any },
        ["ul_dump"] = new() { ["brief"] = MiParamType.Int },
        ["ul_add"] = new() { ["expires"] = MiParamType.Int, ["flags"] = MiParamType.Int, ["cflags"] = MiParamType.Int, ["methods"] = MiParamType.Int },
        ["cache_store"] = new() { ["expire"] = MiParamType.Int },
    };

    private static readonly Lazy<IReadOnlyList<CatalogCommand>> Loaded36 = new(() => Load("OpenSips.Mi.Testing.mi-commands.json"));
    private static readonly Lazy<IReadOnlyList<CatalogCommand>> Loaded40 = new(() => Load("OpenSips.Mi.Testing.mi-commands-4.0.json"));

    public static IReadOnlyList<CatalogCommand> For(MiEmulatorDialect dialect) =>
        dialect == MiEmulatorDialect.OpenSips40 ? Loaded40.Value : Loaded36.Value;

    private static List<CatalogCommand> Load(string resource)
    {
        using var stream = typeof(CommandCatalog).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} resource is missing");
        using var doc = JsonDocument.Parse(stream);
        var list = new List<CatalogCommand>();
        foreach (var c in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var aliases = c.TryGetProperty("aliases", out var a) ? a.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            var recipes = c.GetProperty("recipes").EnumerateArray()
                .Select(r => (IReadOnlyList<string>)r.EnumerateArray().Select(p => p.GetString()!).ToArray())
                .ToList();

            // Types are known by the 3.x name, which a 4.0 command keeps as its alias.
            var types = KnownTypes.TryGetValue(name, out var t) || aliases.Any(x => KnownTypes.TryGetValue(x, out t)) ? t : null;
            list.Add(new CatalogCommand(
                name,
                aliases,
                c.GetProperty("exported_by").GetString() ?? "core",
                c.GetProperty("help").GetString() ?? string.Empty,
                new MiCommandRecipes(recipes, c.GetProperty("named_params_only").GetBoolean(), types),
                c.GetProperty("async_reply").GetBoolean()));
        }

        return list;
    }
}
