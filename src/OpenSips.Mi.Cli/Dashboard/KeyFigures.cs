namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>
/// The figures a fleet card shows, read from one <c>get_statistics all</c> reply. A figure the server does not report
/// (its module is not loaded) is <see langword="null"/>.
/// </summary>
internal sealed record KeyFigures(double? Load, long? ShmUsed, long? ShmTotal, long? Transactions, long? Dialogs, long? Contacts)
{
    /// <summary>The synthetic series names the history keeps beside the statistics themselves.</summary>
    public const string ContactsSeries = "dashboard:contacts";

    public const string ShmPercentSeries = "dashboard:shm_used_percent";

    /// <summary>The series the server page charts by default, in order.</summary>
    public static IReadOnlyList<string> ChartedSeries { get; } =
        ["load:load", ShmPercentSeries, "tm:inuse_transactions", "dialog:active_dialogs", ContactsSeries];

    public double? ShmPercent => ShmUsed is { } used && ShmTotal is > 0 ? Math.Round(100.0 * used / ShmTotal.Value, 2) : null;

    public static KeyFigures From(IReadOnlyDictionary<string, long> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        long? Get(string name) => stats.TryGetValue(name, out var v) ? v : null;

        // usrloc counts contacts per table ("location-contacts"); registered_users counts AORs, the fallback.
        long? contacts = null;
        foreach (var (name, value) in stats)
        {
            if (name.StartsWith("usrloc:", StringComparison.Ordinal) && name.EndsWith("-contacts", StringComparison.Ordinal))
            {
                contacts = (contacts ?? 0) + value;
            }
        }

        return new KeyFigures(
            Get("load:load"),
            Get("shmem:real_used_size") ?? Get("shmem:used_size"),
            Get("shmem:total_size"),
            Get("tm:inuse_transactions"),
            Get("dialog:active_dialogs"),
            contacts ?? Get("usrloc:registered_users"));
    }

    /// <summary>The synthetic series of this sample, for the history.</summary>
    public IEnumerable<KeyValuePair<string, double>> Synthetic()
    {
        if (Contacts is { } contacts)
        {
            yield return new(ContactsSeries, contacts);
        }

        if (ShmPercent is { } percent)
        {
            yield return new(ShmPercentSeries, percent);
        }
    }
}
