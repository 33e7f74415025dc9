using System.Text.Json;

namespace OpenSips.Mi.Testing;

/// <summary>OpenSIPS statistics keyed <c>group:name</c>, seeded with the values a real 3.6.8 reported; thread-safe.</summary>
public sealed class MiStatistics
{
    private static readonly string[] NonIncrementalGroups = ["shmem", "rpmem", "load", "pkmem"];

    // registrar's settings are gauges; its accepted_regs/rejected_regs are counters (as a real 3.6.8 lists them).
    private static readonly string[] NonIncrementalNames = ["registrar:max_expires", "registrar:max_contacts", "registrar:default_expire"];
    private readonly Lock _gate = new();
    private readonly List<(string Group, string Name)> _order = [];
    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonIncremental = new(StringComparer.Ordinal);

    internal MiStatistics()
    {
        using var stream = typeof(MiStatistics).Assembly.GetManifestResourceStream("OpenSips.Mi.Testing.statistics-seed.json")
            ?? throw new InvalidOperationException("statistics seed is missing");
        using var doc = JsonDocument.Parse(stream);
        foreach (var p in doc.RootElement.GetProperty("result").EnumerateObject())
        {
            var (group, name) = Split(p.Name);
            var incremental = !NonIncrementalGroups.Contains(group) && !NonIncrementalNames.Contains(p.Name)
                && !name.StartsWith("active", StringComparison.Ordinal) && !name.StartsWith("early", StringComparison.Ordinal)
                && !name.Contains("registered", StringComparison.Ordinal) && !name.Contains("inuse", StringComparison.Ordinal)
                && !name.StartsWith("waiting", StringComparison.Ordinal) && name != "timestamp"
                && !name.EndsWith("-users", StringComparison.Ordinal) && !name.EndsWith("-contacts", StringComparison.Ordinal);
            Set(p.Name, p.Value.GetInt64(), incremental);
        }
    }

    /// <summary>Every statistic as <c>group:name</c>, in registration order.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return _order.Select(k => $"{k.Group}:{k.Name}").ToArray();
            }
        }
    }

    /// <summary>Sets (or registers) a statistic.</summary>
    /// <param name="key"><c>group:name</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="incremental">Whether <c>reset_statistics</c> may reset it (counters) or not (gauges such as shmem).</param>
    public void Set(string key, long value, bool incremental = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (group, name) = Split(key);
        lock (_gate)
        {
            if (!_values.ContainsKey(key))
            {
                _order.Add((group, name));
            }

            _values[key] = value;
            if (!incremental)
            {
                _nonIncremental.Add(key);
            }
        }
    }

    /// <summary>Adds to a counter (registering it at 0 first when unknown).</summary>
    /// <param name="key"><c>group:name</c>.</param>
    /// <param name="delta">The increment.</param>
    public void Increment(string key, long delta = 1)
    {
        lock (_gate)
        {
            Set(key, Get(key).GetValueOrDefault() + delta);
        }
    }

    /// <summary>The value of <c>group:name</c>, or null.</summary>
    /// <param name="key"><c>group:name</c>.</param>
    /// <returns>The value or null.</returns>
    public long? Get(string key)
    {
        lock (_gate)
        {
            return _values.TryGetValue(key, out var v) ? v : null;
        }
    }

    internal IEnumerable<(string Key, long Value, bool Incremental)> Resolve(string selector)
    {
        lock (_gate)
        {
            IEnumerable<(string Group, string Name)> hits;
            if (selector == "all")
            {
                hits = _order;
            }
            else if (selector.EndsWith(':'))
            {
                var group = selector[..^1];
                hits = _order.Where(k => k.Group == group);
            }
            else
            {
                // Bare names only: "tm:UAC_transactions" is not found by OpenSIPS (docs/wire-facts.md#get-statistics).
                hits = _order.Where(k => k.Name == selector).Take(1);
            }

            return hits.Select(k => $"{k.Group}:{k.Name}")
                .Select(key => (key, _values[key], !_nonIncremental.Contains(key)))
                .ToList();
        }
    }

    internal void Reset(string key)
    {
        lock (_gate)
        {
            if (_values.ContainsKey(key) && !_nonIncremental.Contains(key))
            {
                _values[key] = 0;
            }
        }
    }

    private static (string Group, string Name) Split(string key)
    {
        var i = key.IndexOf(':', StringComparison.Ordinal);
        return i < 0 ? ("core", key) : (key[..i], key[(i + 1)..]);
    }
}
