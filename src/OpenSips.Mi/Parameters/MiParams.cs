using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace OpenSips.Mi;

/// <summary>How the parameters of an MI command are sent.</summary>
public enum MiParamsKind
{
    /// <summary>No <c>params</c> member at all.</summary>
    None,

    /// <summary>A JSON array, in the command's recipe order.</summary>
    Positional,

    /// <summary>A JSON object whose names must match one of the command's recipes exactly.</summary>
    Named,
}

/// <summary>
/// The parameters of one MI command: none, positional (a JSON array) or named (a JSON object). The one parameter
/// model used by <c>MiClient.CommandAsync</c>, the dynamic surface and the typed commands.
/// </summary>
/// <example>
/// <code>
/// MiParams.Positional("location", "alice");                  // ["location","alice"]
/// MiParams.Positional(new[] { "dialog:", "tm:" });           // [["dialog:","tm:"]]  (one array parameter)
/// MiParams.Named(("level", 3), ("pid", 1234));               // {"level":3,"pid":1234}
/// </code>
/// </example>
public sealed class MiParams
{
    private static readonly MiParams NoneInstance = new(MiParamsKind.None, [], []);

    private readonly MiValue[] _positional;
    private readonly KeyValuePair<string, MiValue>[] _named;

    private MiParams(MiParamsKind kind, MiValue[] positional, KeyValuePair<string, MiValue>[] named)
    {
        Kind = kind;
        _positional = positional;
        _named = named;
    }

    /// <summary>No parameters: the request carries no <c>params</c> member.</summary>
    public static MiParams None => NoneInstance;

    /// <summary>How the parameters are sent.</summary>
    public MiParamsKind Kind { get; }

    /// <summary>The positional values (empty unless <see cref="Kind"/> is <see cref="MiParamsKind.Positional"/>).</summary>
    public IReadOnlyList<MiValue> Values => _positional;

    /// <summary>The named values in order (empty unless <see cref="Kind"/> is <see cref="MiParamsKind.Named"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, MiValue>> Members => _named;

    /// <summary>Number of parameters.</summary>
    public int Count => Kind == MiParamsKind.Named ? _named.Length : _positional.Length;

    /// <summary>Positional parameters. A .NET array passed as one argument stays ONE array parameter.</summary>
    /// <param name="values">The values in the command's recipe order.</param>
    /// <returns>The parameters.</returns>
    public static MiParams FromPositional(params ReadOnlySpan<MiValue> values) =>
        values.IsEmpty ? None : new(MiParamsKind.Positional, values.ToArray(), []);

    /// <summary>Positional parameters from a sequence of values (each element is one parameter).</summary>
    /// <param name="values">The values in the command's recipe order.</param>
    /// <returns>The parameters.</returns>
    public static MiParams FromPositional(IEnumerable<MiValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var array = values.ToArray();
        return array.Length == 0 ? None : new(MiParamsKind.Positional, array, []);
    }

    /// <summary>Named parameters.</summary>
    /// <param name="members">Name/value pairs.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="ArgumentException">A name is empty or repeated.</exception>
    public static MiParams FromNamed(params ReadOnlySpan<(string Name, MiValue Value)> members)
    {
        var array = new KeyValuePair<string, MiValue>[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            array[i] = new(members[i].Name, members[i].Value);
        }

        return CreateNamed(array);
    }

    /// <summary>Named parameters from a dictionary of values.</summary>
    /// <param name="members">Name/value pairs.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a value's type cannot be sent.</exception>
    public static MiParams FromNamed(IEnumerable<KeyValuePair<string, MiValue>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return CreateNamed(members.ToArray());
    }

    /// <summary>Positional parameters; same as <see cref="FromPositional(ReadOnlySpan{MiValue})"/>.</summary>
    /// <param name="values">The values in the command's recipe order.</param>
    /// <returns>The parameters.</returns>
    public static MiParams Positional(params ReadOnlySpan<MiValue> values) => FromPositional(values);

    /// <summary>Named parameters; same as <see cref="FromNamed(ReadOnlySpan{ValueTuple{string, MiValue}})"/>.</summary>
    /// <param name="members">Name/value pairs.</param>
    /// <returns>The parameters.</returns>
    public static MiParams Named(params ReadOnlySpan<(string Name, MiValue Value)> members) => FromNamed(members);

    /// <summary>Named parameters from a dictionary whose values are plain .NET values (see <see cref="MiValue.From(object?)"/>).</summary>
    /// <param name="members">Name/value pairs.</param>
    /// <returns>The parameters.</returns>
    public static MiParams Named(IEnumerable<KeyValuePair<string, object?>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return CreateNamed(members.Select(m => new KeyValuePair<string, MiValue>(m.Key, MiValue.From(m.Value))).ToArray());
    }

    /// <summary>Named parameters from the public properties of an object, typically an anonymous one: <c>new { level = 3, pid = 1 }</c>.</summary>
    /// <param name="values">The object whose readable public properties become the parameters.</param>
    /// <returns>The parameters.</returns>
    [RequiresUnreferencedCode("Reads the object's properties by reflection; use Named((name, value), …) in trimmed or AOT applications.")]
    public static MiParams FromObject(object values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is MiParams p)
        {
            return p;
        }

        if (values is System.Collections.IDictionary or IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<string, MiValue>>)
        {
            var obj = MiValue.From(values);
            return CreateNamed([.. obj.AsObject]);
        }

        // A lone value's properties (a string's Length, a list's Count, a JsonElement's ValueKind) are never what was meant.
        if (values is string or char or bool or Enum or decimal or MiValue or System.Text.Json.JsonElement or System.Text.Json.Nodes.JsonNode or System.Collections.IEnumerable
            || values.GetType().IsPrimitive)
        {
            throw new ArgumentException(
                $"FromObject takes an object whose properties are the named parameters, such as new {{ level = 3 }}, not a {values.GetType().Name}: use MiParams.Positional(value) for one value.",
                nameof(values));
        }

        var members = values.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(prop => prop.CanRead && prop.GetIndexParameters().Length == 0)
            .Select(prop => new KeyValuePair<string, MiValue>(prop.Name, MiValue.From(prop.GetValue(values))))
            .ToArray();
        return CreateNamed(members);
    }

    private static MiParams CreateNamed(KeyValuePair<string, MiValue>[] members)
    {
        foreach (var member in members)
        {
            if (string.IsNullOrEmpty(member.Key))
            {
                throw new ArgumentException("A named MI parameter has an empty name: give every parameter a name.", nameof(members));
            }
        }

        // Validates duplicates with the same message as objects.
        _ = MiValue.FromMembers(members);
        return members.Length == 0 ? None : new(MiParamsKind.Named, [], members);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        MiParamsKind.None => "(none)",
        MiParamsKind.Positional => MiValue.Array(_positional).ToJsonString(),
        _ => MiValue.FromMembers(_named).ToJsonString(),
    };
}
