using System.Collections.ObjectModel;

namespace OpenSips.Mi.Testing;

/// <summary>
/// The parameter recipes of an MI command (OpenSIPS <c>mi_recipe_t</c>): which name sets are accepted, whether positional
/// calls are refused, and each parameter's type. The emulator uses them to answer -32602 exactly like OpenSIPS.
/// </summary>
public sealed class MiCommandRecipes
{
    /// <summary>Creates recipes.</summary>
    /// <param name="recipes">Every accepted parameter-name list, in positional order.</param>
    /// <param name="namedParamsOnly">Whether positional (array) params are refused with "Command only supports named parameters".</param>
    /// <param name="types">Parameter types by name; unlisted parameters are strings.</param>
    public MiCommandRecipes(IEnumerable<IReadOnlyList<string>> recipes, bool namedParamsOnly = false, IReadOnlyDictionary<string, MiParamType>? types = null)
    {
        ArgumentNullException.ThrowIfNull(recipes);
        Recipes = recipes.Select(r => (IReadOnlyList<string>)r.ToArray()).ToArray();
        NamedParamsOnly = namedParamsOnly;
        Types = types ?? ReadOnlyDictionary<string, MiParamType>.Empty;
    }

    /// <summary>Recipes that accept any parameters at all: nothing is checked.</summary>
    public static MiCommandRecipes Unchecked { get; } = new([], false) { IsUnchecked = true };

    /// <summary>A command without parameters.</summary>
    public static MiCommandRecipes NoParams { get; } = new([[]]);

    /// <summary>Recipes from parameter-name lists (all strings, positional allowed).</summary>
    /// <param name="recipes">Every accepted parameter-name list.</param>
    /// <returns>The recipes.</returns>
    public static MiCommandRecipes Of(params string[][] recipes) => new(recipes);

    /// <summary>Every accepted parameter-name list, in positional order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Recipes { get; }

    /// <summary>Whether positional params are refused.</summary>
    public bool NamedParamsOnly { get; }

    /// <summary>Parameter types by name (default <see cref="MiParamType.String"/>).</summary>
    public IReadOnlyDictionary<string, MiParamType> Types { get; }

    /// <summary>Whether parameter matching is skipped.</summary>
    public bool IsUnchecked { get; private init; }

    /// <summary>The type of a parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>Its type.</returns>
    public MiParamType TypeOf(string name) => Types.TryGetValue(name, out var t) ? t : MiParamType.String;

    /// <summary>A copy with other types.</summary>
    /// <param name="types">Parameter types by name.</param>
    /// <returns>The new recipes.</returns>
    public MiCommandRecipes WithTypes(IReadOnlyDictionary<string, MiParamType> types) => new(Recipes, NamedParamsOnly, types);
}
