using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>How the fleet is polled.</summary>
internal sealed record FleetPollerOptions
{
    /// <summary>Time between two poll cycles.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The bound of one server's poll (its MI calls run with this timeout).</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Polls in flight at once for servers that answered last time.</summary>
    public int MaxConcurrency { get; init; } = 64;

    /// <summary>How far back the history of every statistic goes.</summary>
    public TimeSpan HistoryWindow { get; init; } = TimeSpan.FromMinutes(15);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Polls in flight at once for servers whose last poll failed. They wait for their timeout, so they get their own, smaller
    /// lane: any number of dead servers can never take the slots the live ones need.
    /// </summary>
    public int SuspectConcurrency => Math.Max(1, MaxConcurrency / 4);

    public void Validate()
    {
        if (Interval < TimeSpan.FromMilliseconds(50) || Interval > TimeSpan.FromHours(1))
        {
            throw new UsageException("--interval must be between 0.05 and 3600 seconds");
        }

        if (PollTimeout <= TimeSpan.Zero)
        {
            throw new UsageException("the poll timeout must be positive");
        }

        if (MaxConcurrency is < 1 or > 4096)
        {
            throw new UsageException("--concurrency must be between 1 and 4096");
        }

        if (HistoryWindow < TimeSpan.FromMinutes(1) || HistoryWindow > TimeSpan.FromHours(24))
        {
            throw new UsageException("--history must be between 1 and 1440 minutes");
        }
    }
}

/// <summary>Timing of the poll cycles, for the page footer and the measurements.</summary>
internal sealed record CycleStats(long Cycles, double LastMilliseconds, double AverageMilliseconds, double MaxMilliseconds, long SkippedPolls);

/// <summary>
/// Polls many servers: every <see cref="FleetPollerOptions.Interval"/> a cycle starts one poll (<c>get_statistics all</c>,
/// <c>uptime</c>, and <c>version</c> until known) for each server whose previous poll has ended, all concurrently within a
/// bound, each with its own timeout. Nothing waits for a slow server: a cycle is started on time whatever the last one is
/// doing, a server still busy is skipped (and counted), and servers that failed last time poll in their own lane.
/// </summary>
internal sealed class FleetPoller : IAsyncDisposable
{
    private static readonly MiParams AllStatistics = MiParams.Positional(MiValue.Array(MiValue.FromString("all")));
    private readonly FleetPollerOptions _options;
    private readonly SemaphoreSlim _healthyLane;
    private readonly SemaphoreSlim _suspectLane;
    private readonly Lock _cycleGate = new();
    private readonly List<Task> _running = [];
    private long _cycles;
    private double _lastCycle;
    private double _totalCycle;
    private double _maxCycle;
    private int _disposed;

    public FleetPoller(IEnumerable<MiClient> clients, FleetPollerOptions options)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _healthyLane = new SemaphoreSlim(options.MaxConcurrency);
        _suspectLane = new SemaphoreSlim(options.SuspectConcurrency);
        Servers = clients.Select((c, i) => new ServerMonitor(i, c, new MetricHistory(options.HistoryWindow, options.Interval))).ToArray();
    }

    public IReadOnlyList<ServerMonitor> Servers { get; }

    public FleetPollerOptions Options => _options;

    /// <summary>Raised after each server's poll, on the polling thread (handlers must not block).</summary>
    public event Action<ServerMonitor>? Polled;

    public ServerMonitor? Find(int id) => id >= 0 && id < Servers.Count ? Servers[id] : null;

    public CycleStats Stats
    {
        get
        {
            lock (_cycleGate)
            {
                return new CycleStats(
                    _cycles,
                    Math.Round(_lastCycle, 1),
                    _cycles == 0 ? 0 : Math.Round(_totalCycle / _cycles, 1),
                    Math.Round(_maxCycle, 1),
                    Servers.Sum(s => s.SkippedPolls));
            }
        }
    }

    /// <summary>Starts a cycle every interval until <paramref name="cancellationToken"/> is cancelled; the first one at once.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, _options.Time);
        try
        {
            do
            {
                Track(PollCycleAsync(cancellationToken));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        Task[] running;
        lock (_cycleGate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
    }

    /// <summary>One cycle: a poll for every server not still busy; completes when all of them have ended (or timed out).</summary>
    public async Task PollCycleAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var polls = new List<Task>(Servers.Count);
        foreach (var server in Servers)
        {
            if (server.TryEnter())
            {
                polls.Add(PollAsync(server, cancellationToken));
            }
            else
            {
                server.Skipped();
            }
        }

        await Task.WhenAll(polls);
        var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_cycleGate)
        {
            _cycles++;
            _lastCycle = took;
            _totalCycle += took;
            _maxCycle = Math.Max(_maxCycle, took);
        }
    }

    private async Task PollAsync(ServerMonitor server, CancellationToken cancellationToken)
    {
        try
        {
            var lane = server.Snapshot.ConsecutiveFailures > 0 ? _suspectLane : _healthyLane;

            // A slot not free within one interval: skip this cycle rather than queue behind others.
            if (!await lane.WaitAsync(_options.Interval, cancellationToken))
            {
                server.Skipped();
                return;
            }

            try
            {
                await PollOneAsync(server, cancellationToken);
            }
            finally
            {
                lane.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            server.Leave();
        }
    }

    private async Task PollOneAsync(ServerMonitor server, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var client = server.Client;
        var timeout = _options.PollTimeout;
        try
        {
            var statistics = client.CommandAsync("get_statistics", AllStatistics, timeout, cancellationToken);
            var uptime = client.CommandAsync("uptime", MiParams.None, timeout, cancellationToken);
            var version = server.NeedsVersion ? client.CommandAsync("version", MiParams.None, timeout, cancellationToken) : null;
            await Task.WhenAll(version is null ? [statistics, uptime] : [statistics, uptime, version]);

            var values = MiStatisticValues(await statistics);
            var up = UptimeSeconds((await uptime).Result);
            var versionText = version is null ? null : VersionText((await version).Result);
            server.Succeeded(_options.Time.GetUtcNow(), values, versionText, up, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsServerFailure(ex))
        {
            server.Failed(_options.Time.GetUtcNow(), FailureText(ex), Stopwatch.GetElapsedTime(started));
        }

        Polled?.Invoke(server);
    }

    private static Dictionary<string, long> MiStatisticValues(MiResponse response)
    {
        var result = response.GetResult();
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (result.ValueKind != JsonValueKind.Object)
        {
            return values;
        }

        foreach (var member in result.EnumerateObject())
        {
            // OpenSIPS sends statistics as numbers; a few builds send numeric strings.
            if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt64(out var n))
            {
                values[member.Name] = n;
            }
            else if (member.Value.ValueKind == JsonValueKind.String
                && long.TryParse(member.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                values[member.Name] = parsed;
            }
        }

        return values;
    }

    private static long? UptimeSeconds(JsonElement? result)
    {
        // "Up time": "1234 [sec]"
        if (result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("Up time", out var up) && up.ValueKind == JsonValueKind.String)
        {
            var text = up.GetString()!;
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(space < 0 ? text : text[..space], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }

        return null;
    }

    private static string? VersionText(JsonElement? result) =>
        result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("Server", out var server) && server.ValueKind == JsonValueKind.String
            ? server.GetString()
            : null;

    /// <summary>What a server (or its transport) can throw; anything else is a bug and is not hidden.</summary>
    internal static bool IsServerFailure(Exception ex) => ex is MiException or MiTimeoutException or ObjectDisposedException;

    /// <summary>One line for the card: the library's message (it names the endpoint, never credentials), or the MI error.</summary>
    internal static string FailureText(Exception ex) => ex switch
    {
        MiCommandException command => $"error {command.Error.Code}: {command.Error.Message}",
        ObjectDisposedException => "the client was closed",
        _ => ex.Message,
    };

    private void Track(Task cycle)
    {
        lock (_cycleGate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(cycle);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var server in Servers)
        {
            await server.Client.DisposeAsync();
        }

        _healthyLane.Dispose();
        _suspectLane.Dispose();
    }
}
