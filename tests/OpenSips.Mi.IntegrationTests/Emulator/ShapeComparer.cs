using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.IntegrationTests.Emulator;

/// <summary>
/// Compares the emulator's reply with the real server's: the kind (result, error, plain text), error code, message and
/// data exactly; results by shape: object keys and their order, value types, and scalar values except volatile ones
/// (times, pids, counters, ids, tags, ports, expiries). Arrays of the same length are compared element by element;
/// arrays of different lengths (more processes, more commands) by the set of their element shapes.
/// </summary>
public static partial class ShapeComparer
{
    /// <summary>Keys whose values change from run to run or from server to server; their types are still compared.</summary>
    public static readonly IReadOnlySet<string> VolatileKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "Now", "Up since", "Up time", "PID", "WD", "ContactID", "Expires", "Callid", "Cseq", "Socket", "User-agent",
        "ttl", "expires", "callid", "cseq", "id", "db_id", "hash_entry", "hash_id", "from_tag", "to_tag", "Type",
        "latency", "user_agent", "socket", "ID",
    };

    public static List<string> Compare(WireReply emulator, WireReply real, ShapeRules rules)
    {
        var diffs = new List<string>();
        if (emulator.Kind != real.Kind)
        {
            diffs.Add($"reply kind: emulator {emulator.Kind}, real {real.Kind}");
            return diffs;
        }

        switch (real.Kind)
        {
            case "error":
                Same(diffs, "error code", emulator.Code, real.Code);
                Same(diffs, "error message", emulator.Message, real.Message);
                Same(diffs, "error data", emulator.Data, real.Data);
                break;
            case "text":
                Same(diffs, "plain text", emulator.Message, real.Message);
                break;
            case "http":
                Same(diffs, "HTTP status", emulator.Code, real.Code);
                break;
            case "result":
                var (e, r) = rules.Normalize is { } n ? n(emulator.Result?.DeepClone(), real.Result?.DeepClone()) : (emulator.Result, real.Result);
                Node(diffs, "result", e, r, rules, parentKey: null);
                break;
        }

        return diffs;
    }

    /// <summary>A readable one-line shape: <c>{Contact:string,Expires:int,…}</c>, <c>[string]</c>.</summary>
    public static string Shape(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.Select(p => $"{p.Key}:{Shape(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join("|", a.Select(Shape).Distinct().Order(StringComparer.Ordinal)) + "]",
        JsonValue v => Kind(v),
        _ => "?",
    };

    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => v.TryGetValue<long>(out _) || (v.TryGetValue<JsonElement>(out var el) && el.TryGetInt64(out _)) ? "int" : "double",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "null",
        },
        _ => "?",
    };

    private static void Node(List<string> diffs, string path, JsonNode? e, JsonNode? r, ShapeRules rules, string? parentKey)
    {
        var ek = Kind(e);
        var rk = Kind(r);
        if (ek != rk)
        {
            diffs.Add($"{path}: emulator {ek} {Short(e)}, real {rk} {Short(r)}");
            return;
        }

        switch (r)
        {
            case JsonObject ro:
                var eo = (JsonObject)e!;
                var eKeys = eo.Select(p => p.Key).ToList();
                var rKeys = ro.Select(p => p.Key).ToList();
                if (!eKeys.SequenceEqual(rKeys))
                {
                    diffs.Add($"{path}: keys differ\n    emulator: {string.Join(", ", eKeys)}\n    real:     {string.Join(", ", rKeys)}");
                }

                foreach (var key in rKeys.Intersect(eKeys))
                {
                    Node(diffs, $"{path}.{key}", eo[key], ro[key], rules, key);
                }

                break;
            case JsonArray ra:
                var ea = (JsonArray)e!;
                if (rules.ArraysExact && ea.Count != ra.Count)
                {
                    var en = ea.Select(x => x?.ToJsonString()).ToList();
                    var rn = ra.Select(x => x?.ToJsonString()).ToList();
                    diffs.Add($"{path}: emulator has {ea.Count} elements, real {ra.Count}\n    only emulator: {string.Join(", ", en.Except(rn))}\n    only real:     {string.Join(", ", rn.Except(en))}");
                }
                else if (ea.Count == ra.Count && !rules.ArraysByShape)
                {
                    for (var i = 0; i < ra.Count; i++)
                    {
                        Node(diffs, $"{path}[{i}]", ea[i], ra[i], rules, parentKey);
                    }
                }
                else if ((ea.Count == 0) != (ra.Count == 0))
                {
                    diffs.Add($"{path}: emulator has {ea.Count} elements, real {ra.Count}\n    emulator: {Short(ea)}\n    real:     {Short(ra)}");
                }
                else
                {
                    var es = ea.Select(Shape).ToHashSet(StringComparer.Ordinal);
                    var rs = ra.Select(Shape).ToHashSet(StringComparer.Ordinal);
                    if (!es.SetEquals(rs))
                    {
                        diffs.Add($"{path}: element shapes differ\n    emulator: {string.Join(" | ", es)}\n    real:     {string.Join(" | ", rs)}");
                    }
                }

                break;
            case JsonValue rv:
                if (rules.ValuesVolatile || (parentKey is not null && (VolatileKeys.Contains(parentKey) || rules.Volatile.Contains(parentKey))))
                {
                    return;
                }

                var es2 = Normalize(e!.ToJsonString());
                var rs2 = Normalize(rv.ToJsonString());
                if (es2 != rs2)
                {
                    diffs.Add($"{path}: emulator {e.ToJsonString()}, real {rv.ToJsonString()}");
                }

                break;
        }
    }

    /// <summary>Ports, pids and process ids in text vary between runs: <c>127.0.0.1:5080</c> → <c>127.0.0.1:PORT</c>.</summary>
    private static string Normalize(string text) => Port().Replace(text, "${host}:PORT");

    private static void Same<T>(List<string> diffs, string what, T emulator, T real)
    {
        if (!EqualityComparer<T>.Default.Equals(emulator, real))
        {
            diffs.Add($"{what}: emulator {emulator?.ToString() ?? "(none)"}, real {real?.ToString() ?? "(none)"}");
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    [GeneratedRegex(@"(?<host>127\.0\.0\.1|localhost):\d+")]
    private static partial Regex Port();
}

/// <summary>How one step's results are compared.</summary>
public sealed record ShapeRules
{
    public static ShapeRules Default { get; } = new();

    /// <summary>Extra keys whose values are not compared (types still are).</summary>
    public IReadOnlySet<string> Volatile { get; init; } = new HashSet<string>();

    /// <summary>No scalar value is compared, only types (counters, statistics).</summary>
    public bool ValuesVolatile { get; init; }

    /// <summary>Arrays must have the same elements (after <see cref="Normalize"/>): a length difference lists what is missing where.</summary>
    public bool ArraysExact { get; init; }

    /// <summary>Arrays are compared by element shapes even when they have the same length.</summary>
    public bool ArraysByShape { get; init; }

    /// <summary>Brings both results to what is comparable (the real server loads more modules than the emulator emulates).</summary>
    public Func<JsonNode?, JsonNode?, (JsonNode? Emulator, JsonNode? Real)>? Normalize { get; init; }
}
