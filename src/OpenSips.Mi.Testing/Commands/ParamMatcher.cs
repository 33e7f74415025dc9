using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>OpenSIPS's recipe matching and parameter type checks, producing the exact -32602 details.</summary>
internal static class ParamMatcher
{
    public const string CountMismatch = "Too few or too many parameters";
    public const string NamesMismatch = "Named parameters do not match";
    public const string NamedOnly = "Command only supports named parameters";

    /// <summary>Returns null when the params fit a recipe, else the -32602 reply.</summary>
    public static MiEmulatorReply? Check(MiCommandRecipes recipes, JsonNode? parameters)
    {
        if (recipes.IsUnchecked)
        {
            return null;
        }

        IReadOnlyList<string>? matched;
        switch (parameters)
        {
            case null:
            case JsonArray { Count: 0 }:
            case JsonObject { Count: 0 }:
                matched = recipes.Recipes.FirstOrDefault(r => r.Count == 0);
                return matched is null ? MiEmulatorReply.InvalidParams(CountMismatch) : null;
            case JsonArray array:
                if (recipes.NamedParamsOnly)
                {
                    return MiEmulatorReply.InvalidParams(NamedOnly);
                }

                matched = recipes.Recipes.FirstOrDefault(r => r.Count == array.Count);
                if (matched is null)
                {
                    return MiEmulatorReply.InvalidParams(CountMismatch);
                }

                for (var i = 0; i < matched.Count; i++)
                {
                    if (!TypeFits(recipes.TypeOf(matched[i]), array[i]))
                    {
                        return BadType(matched[i]);
                    }
                }

                return null;
            case JsonObject obj:
                var sameCount = recipes.Recipes.Where(r => r.Count == obj.Count).ToList();
                if (sameCount.Count == 0)
                {
                    return MiEmulatorReply.InvalidParams(CountMismatch);
                }

                matched = sameCount.FirstOrDefault(r => r.All(obj.ContainsKey));
                if (matched is null)
                {
                    return MiEmulatorReply.InvalidParams(NamesMismatch);
                }

                foreach (var name in matched)
                {
                    if (!TypeFits(recipes.TypeOf(name), obj[name]))
                    {
                        return BadType(name);
                    }
                }

                return null;
            default:
                return MiEmulatorReply.Error(JsonRpcCodes.InvalidRequest, "Invalid Request");
        }
    }

    public static MiEmulatorReply BadType(string name) => MiEmulatorReply.InvalidParams($"Bad type for parameter '{name}'");

    private static bool TypeFits(MiParamType type, JsonNode? value) => type switch
    {
        MiParamType.Any => true,
        MiParamType.Array => value is JsonArray,
        MiParamType.Int => ParamValues.AsInt(value) is not null,
        _ => value is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number,
    };
}
