using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OpenSips.Mi.Cli.Views;

/// <summary>What <c>top</c> reads from a server at one instant: <c>uptime</c>, <c>ps</c> and <c>get_statistics all</c>.</summary>
internal sealed record TopSnapshot(DateTimeOffset At, string? UpTime, int ProcessCount, IReadOnlyDictionary<string, long> Stats)
{
    public static TopSnapshot From(DateTimeOffset at, JsonElement uptime, JsonElement ps, JsonElement statistics)
    {
        string? up = null;
        if (uptime.ValueKind == JsonValueKind.Object && uptime.TryGetProperty("Up time", out var u) && u.ValueKind == JsonValueKind.String)
        {
            up = u.GetString();
        }

        var processes = ps.ValueKind == JsonValueKind.Object && ps.TryGetProperty("Processes", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.GetArrayLength()
            : 0;
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        if (statistics.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in statistics.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var v))
                {
                    stats[p.Name] = v;
                }
            }
        }

        return new(at, up, processes, stats);
    }

    public long? Get(string name) => Stats.TryGetValue(name, out var v) ? v : null;

    /// <summary>Registered contacts: the usrloc <c>*-contacts</c> statistics summed over domains, else <c>registered_users</c>.</summary>
    public long? Contacts
    {
        get
        {
            var perDomain = Stats.Where(s => s.Key.StartsWith("usrloc:", StringComparison.Ordinal) && s.Key.EndsWith("-contacts", StringComparison.Ordinal)).ToList();
            return perDomain.Count > 0 ? perDomain.Sum(s => s.Value) : Get("usrloc:registered_users");
        }
    }

    public long? Transactions => Sum("tm:UAS_transactions", "tm:UAC_transactions");

    public (long Used, long Total)? Shm => Get("shmem:real_used_size") is { } used && Get("shmem:total_size") is { } total ? (used, total) : null;

    public (long Used, long Total)? Pkg
    {
        get
        {
            var used = Stats.Where(s => s.Key.StartsWith("pkmem:", StringComparison.Ordinal) && s.Key.EndsWith("-real_used_size", StringComparison.Ordinal)).Sum(s => s.Value);
            var total = Stats.Where(s => s.Key.StartsWith("pkmem:", StringComparison.Ordinal) && s.Key.EndsWith("-total_size", StringComparison.Ordinal)).Sum(s => s.Value);
            return total > 0 ? (used, total) : null;
        }
    }

    private long? Sum(params string[] names)
    {
        long? sum = null;
        foreach (var name in names)
        {
            if (Get(name) is { } v)
            {
                sum = (sum ?? 0) + v;
            }
        }

        return sum;
    }
}

/// <summary>The history <c>top</c> keeps: the last two snapshots and a bounded series per trend.</summary>
internal sealed class TopState(string target)
{
    public const int HistoryLength = 60;

    private readonly Dictionary<string, List<double>> _series = new(StringComparer.Ordinal);

    public string Target { get; } = target;

    public TopSnapshot? Current { get; private set; }

    public TopSnapshot? Previous { get; private set; }

    public IReadOnlyList<double> Series(string name) => _series.TryGetValue(name, out var s) ? s : [];

    /// <summary>The failure of the latest refresh (transport error or timeout), or <see langword="null"/> after a good one.</summary>
    public string? Error { get; private set; }

    /// <summary>When the latest refresh failed.</summary>
    public DateTimeOffset? ErrorAt { get; private set; }

    /// <summary>How many refreshes in a row failed.</summary>
    public int FailedInARow { get; private set; }

    /// <summary>Records a failed refresh; the last good snapshot stays on screen and the next refresh retries.</summary>
    public void Fail(DateTimeOffset at, string message)
    {
        Error = message;
        ErrorAt = at;
        FailedInARow++;
    }

    public void Add(TopSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Error = null;
        ErrorAt = null;
        FailedInARow = 0;
        Previous = Current;
        Current = snapshot;
        Push("requests/s", Rate(s => s.Get("core:rcv_requests")));
        Push("transactions/s", Rate(s => s.Transactions));
        Push("dialogs/s", Rate(s => s.Get("dialog:processed_dialogs")));
        Push("shm%", snapshot.Shm is { } shm ? 100.0 * shm.Used / shm.Total : null);
        Push("pkg%", snapshot.Pkg is { } pkg ? 100.0 * pkg.Used / pkg.Total : null);
    }

    /// <summary>The per-second change of a counter between the last two snapshots.</summary>
    public double? Rate(Func<TopSnapshot, long?> counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (Current is null || Previous is null || counter(Current) is not { } now || counter(Previous) is not { } before)
        {
            return null;
        }

        var seconds = (Current.At - Previous.At).TotalSeconds;
        return seconds > 0 ? Math.Max(0, now - before) / seconds : null;
    }

    private void Push(string name, double? value)
    {
        if (value is not { } v)
        {
            return;
        }

        if (!_series.TryGetValue(name, out var series))
        {
            _series[name] = series = [];
        }

        series.Add(v);
        if (series.Count > HistoryLength)
        {
            series.RemoveAt(0);
        }
    }
}

/// <summary>Renders <c>top</c> from a <see cref="TopState"/>; pure, so a known state always gives the same screen.</summary>
internal static class TopView
{
    private const int SparkWidth = 30;

    public static IRenderable Render(TopState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var s = state.Current;
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap());
        grid.AddColumn(new GridColumn().NoWrap().RightAligned());
        grid.AddColumn(new GridColumn().NoWrap().RightAligned());
        grid.AddColumn(new GridColumn().NoWrap());
        grid.AddRow("[bold]metric[/]", "[bold]value[/]", "[bold]rate/s[/]", "[bold]trend[/]");
        if (s is null)
        {
            grid.AddRow("waiting for the first sample…", string.Empty, string.Empty, string.Empty);
        }
        else
        {
            grid.AddRow("Uptime", Markup.Escape(FormatUptime(s.UpTime)), string.Empty, string.Empty);
            grid.AddRow("Processes", Count(s.ProcessCount), string.Empty, string.Empty);
            if (s.Get("load:load") is { } load)
            {
                grid.AddRow("Load", load.ToString(CultureInfo.InvariantCulture) + "%", string.Empty, string.Empty);
            }

            grid.AddRow("Requests received", Count(s.Get("core:rcv_requests")), Rate(state.Rate(x => x.Get("core:rcv_requests"))), Spark(state, "requests/s"));
            grid.AddRow("Dialogs active", Count(s.Get("dialog:active_dialogs")), Rate(state.Rate(x => x.Get("dialog:processed_dialogs"))), Spark(state, "dialogs/s"));
            grid.AddRow("Dialogs early", Count(s.Get("dialog:early_dialogs")), string.Empty, string.Empty);
            grid.AddRow("Transactions in use", Count(s.Get("tm:inuse_transactions")), Rate(state.Rate(x => x.Transactions)), Spark(state, "transactions/s"));
            grid.AddRow("Registered contacts", Count(s.Contacts), string.Empty, string.Empty);
            grid.AddRow("Shared memory", Memory(s.Shm), string.Empty, Spark(state, "shm%"));
            grid.AddRow("Private memory", Memory(s.Pkg), string.Empty, Spark(state, "pkg%"));
        }

        var at = s is null ? string.Empty : s.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        IRenderable body = grid;
        if (state.Error is { } error)
        {
            var when = state.ErrorAt?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            var stale = s is null ? "no sample yet" : $"values from {at}";
            var attempts = state.FailedInARow == 1 ? "1 failed refresh" : $"{state.FailedInARow} failed refreshes";
            body = new Rows(
                grid,
                new Markup($"[red bold]error[/] [red]{Markup.Escape(error)}[/]"),
                new Markup($"[grey]{when}: {attempts}, {stale}; retrying (q quits)[/]"));
        }

        return new Panel(body)
            .Header($"[bold]opensips-mi top[/] {Markup.Escape(state.Target)} {at}")
            .Border(BoxBorder.Rounded)
            .Expand();
    }

    private static string Count(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "[grey]n/a[/]";

    private static string Rate(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty;

    private static string Spark(TopState state, string series) => $"[green]{Sparkline.Render(state.Series(series), SparkWidth)}[/]";

    private static string Memory((long Used, long Total)? memory) => memory is { } m && m.Total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * m.Used / m.Total:0.0}% of {Bytes(m.Total)}")
        : "[grey]n/a[/]";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary><c>"93784 [sec]"</c> → <c>1d 02:03:04</c>; other text is kept as it is.</summary>
    public static string FormatUptime(string? upTime)
    {
        if (upTime is null)
        {
            return "n/a";
        }

        var number = upTime.Split(' ', 2)[0];
        if (!long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return upTime;
        }

        var span = TimeSpan.FromSeconds(seconds);
        return span.Days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.Days}d {span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}");
    }
}
