using System.Collections;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>A typed list read from an MI reply, with the reply's JSON kept in <see cref="Raw"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class MiList<T> : IReadOnlyList<T>
{
    private readonly IReadOnlyList<T> _items;

    /// <summary>Creates the list.</summary>
    /// <param name="items">The elements.</param>
    /// <param name="raw">The JSON the elements were read from.</param>
    public MiList(IReadOnlyList<T> items, JsonElement raw)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items;
        Raw = raw;
    }

    /// <summary>The JSON result as OpenSIPS sent it (members this library does not read are still there).</summary>
    public JsonElement Raw { get; }

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static MiList<T> Read(JsonElement raw, string member, Func<JsonElement, T> read) =>
        new(MiReply.List(raw, member, read), raw);
}

/// <summary>
/// Statistic values keyed <c>group:name</c> exactly as OpenSIPS names them (for example <c>tm:UAC_transactions</c>,
/// <c>core:rcv_requests</c>), with the reply's JSON kept in <see cref="Raw"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after what it holds, like the command's reply.")]
public sealed class MiStatisticValues : IReadOnlyDictionary<string, long>
{
    private readonly Dictionary<string, long> _values;

    /// <summary>Creates the set.</summary>
    /// <param name="values">Values keyed <c>group:name</c>.</param>
    /// <param name="raw">The JSON they were read from.</param>
    public MiStatisticValues(IReadOnlyDictionary<string, long> values, JsonElement raw)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, long>(values, StringComparer.Ordinal);
        Raw = raw;
    }

    /// <summary>The JSON result as OpenSIPS sent it.</summary>
    public JsonElement Raw { get; }

    /// <inheritdoc/>
    public long this[string key] => _values[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<long> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <summary>The statistics of one group, keyed by the name without the group prefix.</summary>
    /// <param name="group">The group, with or without the trailing colon: <c>tm</c> or <c>tm:</c>.</param>
    /// <returns>The group's values (empty when there are none).</returns>
    public IReadOnlyDictionary<string, long> Group(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var prefix = group.EndsWith(':') ? group : group + ":";
        return _values
            .Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key[prefix.Length..], pair => pair.Value, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out long value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static MiStatisticValues Read(JsonElement raw)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (raw.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in raw.EnumerateObject())
            {
                if (MiReply.AsInt64(property.Value) is { } value)
                {
                    values[property.Name] = value;
                }
            }
        }

        return new MiStatisticValues(values, raw);
    }
}
