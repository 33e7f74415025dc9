using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>
/// One MI parameter value: a string, integer, boolean, null, array or object. Values convert implicitly
/// from the matching .NET types, so <c>MiParams.Positional("location", "alice")</c> just works; a .NET array
/// or list becomes ONE array value and is never spread into several parameters.
/// </summary>
/// <remarks>Immutable and cheap to copy; the same value can be sent on any transport.</remarks>
public readonly struct MiValue : IEquatable<MiValue>
{
    private readonly object? _ref;
    private readonly long _number;

    private MiValue(MiValueKind kind, object? reference, long number)
    {
        Kind = kind;
        _ref = reference;
        _number = number;
    }

    /// <summary>The JSON <c>null</c> value.</summary>
    public static MiValue Null => default;

    /// <summary>The JSON type of this value.</summary>
    public MiValueKind Kind { get; }

    /// <summary>The string, when <see cref="Kind"/> is <see cref="MiValueKind.String"/>; otherwise <see langword="null"/>.</summary>
    public string? AsString => Kind == MiValueKind.String ? (string)_ref! : null;

    /// <summary>The integer, when <see cref="Kind"/> is <see cref="MiValueKind.Integer"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long AsInteger => Kind == MiValueKind.Integer ? _number : throw NotA("an integer");

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="MiValueKind.Boolean"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool AsBoolean => Kind == MiValueKind.Boolean ? _number != 0 : throw NotA("a boolean");

    /// <summary>The number, when <see cref="Kind"/> is <see cref="MiValueKind.Double"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not a floating point number.</exception>
    public double AsDouble => Kind == MiValueKind.Double ? BitConverter.Int64BitsToDouble(_number) : throw NotA("a double");

    /// <summary>The elements, when <see cref="Kind"/> is <see cref="MiValueKind.Array"/>; otherwise empty.</summary>
    public IReadOnlyList<MiValue> AsArray => Kind == MiValueKind.Array ? (MiValue[])_ref! : [];

    /// <summary>The members in order, when <see cref="Kind"/> is <see cref="MiValueKind.Object"/>; otherwise empty.</summary>
    public IReadOnlyList<KeyValuePair<string, MiValue>> AsObject =>
        Kind == MiValueKind.Object ? (KeyValuePair<string, MiValue>[])_ref! : [];

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The string; <see langword="null"/> gives <see cref="Null"/>.</param>
    /// <exception cref="ArgumentException">The text has an unpaired surrogate: it has no UTF-8 form, and would silently become U+FFFD on the wire.</exception>
    public static MiValue FromString(string? value) => value is null ? Null
        : IsWellFormedUtf16(value) ? new(MiValueKind.String, value, 0)
        : throw new ArgumentException("The text contains an unpaired surrogate (invalid UTF-16), which has no UTF-8 form: fix the text.", nameof(value));

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The integer.</param>
    public static MiValue FromInteger(long value) => new(MiValueKind.Integer, null, value);

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    public static MiValue FromBoolean(bool value) => new(MiValueKind.Boolean, null, value ? 1 : 0);

    /// <summary>Creates a floating point value (OpenSIPS commands take no such parameter; it exists for completeness).</summary>
    /// <param name="value">A finite number.</param>
    /// <exception cref="ArgumentException">The number is NaN or infinite, which JSON cannot carry.</exception>
    public static MiValue FromDouble(double value) => double.IsFinite(value)
        ? new(MiValueKind.Double, null, BitConverter.DoubleToInt64Bits(value))
        : throw new ArgumentException("NaN and infinity cannot be sent as JSON: pass a finite number.", nameof(value));

    /// <summary>Creates an array value from its elements.</summary>
    /// <param name="items">The elements, in order.</param>
    public static MiValue Array(params ReadOnlySpan<MiValue> items) => new(MiValueKind.Array, items.ToArray(), 0);

    /// <summary>Creates an array value from a sequence of elements.</summary>
    /// <param name="items">The elements, in order.</param>
    public static MiValue Array(IEnumerable<MiValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new(MiValueKind.Array, items.ToArray(), 0);
    }

    /// <summary>Creates an object value from its members.</summary>
    /// <param name="members">Name/value pairs in the order they are sent.</param>
    /// <exception cref="ArgumentException">A name is null or given twice.</exception>
    public static MiValue Object(params ReadOnlySpan<(string Name, MiValue Value)> members)
    {
        var array = new KeyValuePair<string, MiValue>[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            array[i] = new(members[i].Name, members[i].Value);
        }

        return FromMembers(array);
    }

    /// <summary>Creates an object value from name/value pairs.</summary>
    /// <param name="members">Name/value pairs in the order they are sent.</param>
    /// <exception cref="ArgumentException">A name is null or given twice.</exception>
    public static MiValue Object(IEnumerable<KeyValuePair<string, MiValue>> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return FromMembers(members.ToArray());
    }

    internal static MiValue FromMembers(KeyValuePair<string, MiValue>[] members)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (member.Key is null)
            {
                throw new ArgumentException("A parameter name is null: give every named parameter a name.", nameof(members));
            }

            if (!IsWellFormedUtf16(member.Key))
            {
                throw new ArgumentException("A parameter name contains an unpaired surrogate (invalid UTF-16), which OpenSIPS cannot parse: fix the text.", nameof(members));
            }

            if (!seen.Add(member.Key))
            {
                throw new ArgumentException($"The parameter name '{member.Key}' is given twice: give each name once.", nameof(members));
            }
        }

        return new(MiValueKind.Object, members, 0);
    }

    /// <summary>
    /// Converts any supported .NET value: <see langword="null"/>, <see cref="string"/>, <see cref="char"/>, integer types,
    /// <see cref="bool"/>, <see cref="double"/>/<see cref="float"/>/<see cref="decimal"/>, <see cref="Enum"/> (as its name),
    /// <see cref="MiValue"/>, <see cref="JsonElement"/>, <see cref="System.Text.Json.Nodes.JsonNode"/>, dictionaries with string keys (object) and
    /// other sequences (array). This is what the dynamic surface and <see cref="MiParams.Named(IEnumerable{KeyValuePair{string, object}})"/> use.
    /// </summary>
    /// <param name="value">The value to convert.</param>
    /// <returns>The MI value.</returns>
    /// <exception cref="ArgumentException">The type cannot be sent as a parameter (the message names it).</exception>
    public static MiValue From(object? value) => value switch
    {
        null => Null,
        MiValue v => v,
        string s => FromString(s),
        char c => FromString(c.ToString()),
        bool b => FromBoolean(b),
        int i => FromInteger(i),
        long l => FromInteger(l),
        uint u => FromInteger(u),
        short s16 => FromInteger(s16),
        ushort u16 => FromInteger(u16),
        byte u8 => FromInteger(u8),
        sbyte s8 => FromInteger(s8),
        ulong ul when ul <= long.MaxValue => FromInteger((long)ul),
        ulong ul => throw new ArgumentException($"The integer {ul} does not fit in 64 bits signed: pass it as a string.", nameof(value)),
        double d => FromDouble(d),
        float f => FromDouble(f),
        decimal m when m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue => FromInteger((long)m),
        decimal m => FromDouble((double)m),
        Enum e => FromString(e.ToString()),
        JsonElement element => FromJson(element),
        System.Text.Json.Nodes.JsonNode node => FromJson(JsonSerializer.SerializeToElement(node, MiJsonContext.Default.JsonNode)),
        IEnumerable<KeyValuePair<string, MiValue>> members => Object(members),
        IEnumerable<KeyValuePair<string, object?>> members => FromMembers(members.Select(m => new KeyValuePair<string, MiValue>(m.Key, From(m.Value))).ToArray()),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable<MiValue> items => Array(items),
        IEnumerable sequence => new(MiValueKind.Array, sequence.Cast<object?>().Select(From).ToArray(), 0),
        _ => throw new ArgumentException(
            $"A value of type {value.GetType().FullName} cannot be sent as an MI parameter: use a string, integer, boolean, null, array or dictionary.",
            nameof(value)),
    };

    /// <summary>Converts a JSON value as it is.</summary>
    /// <param name="element">The JSON value.</param>
    /// <returns>The MI value.</returns>
    public static MiValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.String => FromString(element.GetString()),
        JsonValueKind.True => FromBoolean(true),
        JsonValueKind.False => FromBoolean(false),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? FromInteger(l) : FromDouble(element.GetDouble()),
        JsonValueKind.Array => new(MiValueKind.Array, element.EnumerateArray().Select(FromJson).ToArray(), 0),
        _ => FromMembers(element.EnumerateObject().Select(p => new KeyValuePair<string, MiValue>(p.Name, FromJson(p.Value))).ToArray()),
    };

    private static MiValue FromDictionary(IDictionary dictionary)
    {
        var members = new List<KeyValuePair<string, MiValue>>(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string key)
            {
                throw new ArgumentException("Dictionary keys must be strings to become named MI parameters.", nameof(dictionary));
            }

            members.Add(new(key, From(entry.Value)));
        }

        return FromMembers([.. members]);
    }

    /// <summary>Converts a string.</summary>
    /// <param name="value">The string.</param>
    public static implicit operator MiValue(string? value) => FromString(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator MiValue(int value) => FromInteger(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator MiValue(long value) => FromInteger(value);

    /// <summary>Converts an unsigned integer (usrloc's <c>Methods</c> is 4294967295).</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator MiValue(uint value) => FromInteger(value);

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The boolean.</param>
    public static implicit operator MiValue(bool value) => FromBoolean(value);

    /// <summary>Converts a floating point number.</summary>
    /// <param name="value">A finite number.</param>
    public static implicit operator MiValue(double value) => FromDouble(value);

    /// <summary>Converts a string array into ONE array value.</summary>
    /// <param name="values">The strings.</param>
    public static implicit operator MiValue(string[]? values) => values is null ? Null : new(MiValueKind.Array, values.Select(FromString).ToArray(), 0);

    /// <summary>Converts an integer array into ONE array value.</summary>
    /// <param name="values">The integers.</param>
    public static implicit operator MiValue(int[]? values) => values is null ? Null : new(MiValueKind.Array, values.Select(v => FromInteger(v)).ToArray(), 0);

    /// <summary>Converts an integer array into ONE array value.</summary>
    /// <param name="values">The integers.</param>
    public static implicit operator MiValue(long[]? values) => values is null ? Null : new(MiValueKind.Array, values.Select(FromInteger).ToArray(), 0);

    /// <summary>Converts an array of values into ONE array value.</summary>
    /// <param name="values">The values.</param>
    public static implicit operator MiValue(MiValue[]? values) => values is null ? Null : new(MiValueKind.Array, values.ToArray(), 0);

    /// <summary>Converts a mixed array into ONE array value (each element through <see cref="From(object?)"/>).</summary>
    /// <param name="values">The values.</param>
    public static implicit operator MiValue(object?[]? values) => values is null ? Null : new(MiValueKind.Array, values.Select(From).ToArray(), 0);

    /// <summary>Converts a JSON value.</summary>
    /// <param name="element">The JSON value.</param>
    public static implicit operator MiValue(JsonElement element) => FromJson(element);

    /// <summary>Writes this value as JSON.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case MiValueKind.Null:
                writer.WriteNullValue();
                break;
            case MiValueKind.String:
                writer.WriteStringValue((string)_ref!);
                break;
            case MiValueKind.Integer:
                writer.WriteNumberValue(_number);
                break;
            case MiValueKind.Double:
                writer.WriteNumberValue(BitConverter.Int64BitsToDouble(_number));
                break;
            case MiValueKind.Boolean:
                writer.WriteBooleanValue(_number != 0);
                break;
            case MiValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in (MiValue[])_ref!)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var member in (KeyValuePair<string, MiValue>[])_ref!)
                {
                    writer.WritePropertyName(member.Key);
                    member.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>The value as compact JSON text.</summary>
    /// <returns>JSON text.</returns>
    public string ToJsonString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        MiValueKind.String => (string)_ref!,
        MiValueKind.Integer => _number.ToString(CultureInfo.InvariantCulture),
        _ => ToJsonString(),
    };

    /// <inheritdoc/>
    public bool Equals(MiValue other) => Kind == other.Kind && ToJsonString() == other.ToJsonString();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MiValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, ToJsonString());

    /// <summary>Compares two values by kind and JSON text.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(MiValue left, MiValue right) => left.Equals(right);

    /// <summary>Compares two values by kind and JSON text.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(MiValue left, MiValue right) => !left.Equals(right);

    /// <summary>False when <paramref name="text"/> has a surrogate without its partner: it has no UTF-8 form.</summary>
    internal static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private InvalidOperationException NotA(string what) => new($"This MI value is {Kind}, not {what}.");
}
