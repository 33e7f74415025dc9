namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>What the dashboard knows of one server at a moment: an immutable snapshot the pages render.</summary>
internal sealed record ServerSnapshot(
    int Id,
    string Target,
    string Transport,
    bool Reachable,
    bool Polled,
    string? Error,
    int ConsecutiveFailures,
    string? Version,
    long? UptimeSeconds,
    KeyFigures? Figures,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? AttemptedAt,
    double? PollMilliseconds,
    long SampleVersion)
{
    /// <summary>Unreachable first, then never polled, then the busiest (load), then by id: the order of the fleet page.</summary>
    public static int CompareHealth(ServerSnapshot a, ServerSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        static int Rank(ServerSnapshot s) => !s.Polled ? 1 : s.Reachable ? 2 : 0;
        var byRank = Rank(a).CompareTo(Rank(b));
        if (byRank != 0)
        {
            return byRank;
        }

        var byLoad = (b.Figures?.Load ?? -1).CompareTo(a.Figures?.Load ?? -1);
        return byLoad != 0 ? byLoad : a.Id.CompareTo(b.Id);
    }
}

/// <summary>
/// One polled server: its client, its latest figures and statistics, its history, and the poll bookkeeping. Updated by
/// <see cref="FleetPoller"/> only; read from any thread through <see cref="Snapshot"/>, <see cref="LatestStatistics"/> and
/// <see cref="History"/>.
/// </summary>
internal sealed class ServerMonitor
{
    private readonly Lock _gate = new();
    private ServerSnapshot _snapshot;
    private IReadOnlyDictionary<string, long> _statistics = new Dictionary<string, long>();
    private readonly string? _query;
    private int _inFlight;

    public ServerMonitor(int id, MiClient client, MetricHistory history)
    {
        ArgumentNullException.ThrowIfNull(client);
        Id = id;
        Client = client;
        History = history;

        // The client's endpoint never carries credentials (basic-auth user:password is left out); a query string may
        // carry a key, so it is left out too, here and in every message shown for this server.
        var endpoint = client.Options.ToUriString();
        var query = endpoint.IndexOf('?', StringComparison.Ordinal);
        _query = query >= 0 ? endpoint[query..] : null;
        Target = Redact(endpoint);
        _snapshot = new ServerSnapshot(id, Target, client.TransportName, false, false, null, 0, null, null, null, null, null, null, 0);
    }

    public int Id { get; }

    /// <summary>The text with the endpoint's query string (which may hold a key) replaced by <c>?…</c>.</summary>
    public string Redact(string text) =>
        _query is null ? text : (text ?? string.Empty).Replace(_query, "?…", StringComparison.Ordinal);

    /// <summary>The endpoint as shown on the pages, without credentials.</summary>
    public string Target { get; }

    public MiClient Client { get; }

    public MetricHistory History { get; }

    public ServerSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>The statistics of the last successful poll, keyed <c>group:name</c>, and when they were read.</summary>
    public (IReadOnlyDictionary<string, long> Values, DateTimeOffset? At) LatestStatistics
    {
        get
        {
            lock (_gate)
            {
                return (_statistics, _snapshot.UpdatedAt);
            }
        }
    }

    /// <summary>Polls that could not start because the previous one was still running or no slot was free in time.</summary>
    public long SkippedPolls => Interlocked.Read(ref _skipped);

    private long _skipped;

    internal bool TryEnter() => Interlocked.CompareExchange(ref _inFlight, 1, 0) == 0;

    internal void Leave() => Volatile.Write(ref _inFlight, 0);

    internal void Skipped() => Interlocked.Increment(ref _skipped);

    internal void Succeeded(DateTimeOffset at, IReadOnlyDictionary<string, long> statistics, string? version, long? uptimeSeconds, TimeSpan took)
    {
        var figures = KeyFigures.From(statistics);
        History.Record(at, statistics.Select(p => new KeyValuePair<string, double>(p.Key, p.Value)).Concat(figures.Synthetic()));
        lock (_gate)
        {
            _statistics = statistics;
            _snapshot = _snapshot with
            {
                Reachable = true,
                Polled = true,
                Error = null,
                ConsecutiveFailures = 0,
                Version = version ?? _snapshot.Version,
                UptimeSeconds = uptimeSeconds,
                Figures = figures,
                UpdatedAt = at,
                AttemptedAt = at,
                PollMilliseconds = Math.Round(took.TotalMilliseconds, 1),
                SampleVersion = _snapshot.SampleVersion + 1,
            };
        }
    }

    internal void Failed(DateTimeOffset at, string error, TimeSpan took)
    {
        lock (_gate)
        {
            // The last good figures stay (with their age); the card says why they are old.
            _snapshot = _snapshot with
            {
                Reachable = false,
                Polled = true,
                Error = Redact(error),
                ConsecutiveFailures = _snapshot.ConsecutiveFailures + 1,
                AttemptedAt = at,
                PollMilliseconds = Math.Round(took.TotalMilliseconds, 1),
            };
        }
    }

    /// <summary>Whether the version must still be asked (never answered yet, or the server failed since: it may have been upgraded).</summary>
    internal bool NeedsVersion
    {
        get
        {
            lock (_gate)
            {
                return _snapshot.Version is null || _snapshot.ConsecutiveFailures > 0;
            }
        }
    }
}
