using System.Text.Json;

namespace OpenSips.Mi.Testing;

/// <summary>One command of the OpenSIPS 3.6.8 command table (from the embedded <c>mi-commands.json</c>).</summary>
internal sealed record CatalogCommand(string Name, string ExportedBy, string Help, MiCommandRecipes Recipes, bool AsyncReply);

/// <summary>Loads the OpenSIPS 3.6.8 MI command table, in <c>which</c> order, with the known parameter types.</summary>
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

    private static readonly Lazy<IReadOnlyList<CatalogCommand>> Loaded = new(Load);

    public static IReadOnlyList<CatalogCommand> All => Loaded.Value;

    private static List<CatalogCommand> Load()
    {
        using var stream = typeof(CommandCatalog).Assembly.GetManifestResourceStream("OpenSips.Mi.Testing.mi-commands.json")
            ?? throw new InvalidOperationException("mi-commands.json resource is missing");
        using var doc = JsonDocument.Parse(stream);
        var list = new List<CatalogCommand>();
        foreach (var c in doc.RootElement.GetProperty("commands").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString()!;
            var recipes = c.GetProperty("recipes").EnumerateArray()
                .Select(r => (IReadOnlyList<string>)r.EnumerateArray().Select(p => p.GetString()!).ToArray())
                .ToList();
            var types = KnownTypes.TryGetValue(name, out var t) ? t : null;
            list.Add(new CatalogCommand(
                name,
                c.GetProperty("exported_by").GetString() ?? "core",
                c.GetProperty("help").GetString() ?? string.Empty,
                new MiCommandRecipes(recipes, c.GetProperty("named_params_only").GetBoolean(), types),
                c.GetProperty("async_reply").GetBoolean()));
        }

        return list;
    }
}
