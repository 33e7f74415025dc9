using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli;

/// <summary>
/// What <c>bench</c> runs: a command, how many measured calls (or for how long), how many in flight, and the warm-up
/// before measuring (the first <see cref="Warmup"/> or as many calls as <see cref="Requests"/>, whichever ends first).
/// </summary>
internal sealed record BenchPlan(string Method, MiParams Parameters, int Requests, TimeSpan? Duration, int Concurrency, bool Raw, TimeSpan Warmup)
{
    /// <summary>The default warm-up: long enough for the JIT to settle and connections to open.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(2);

    public int WarmupRequests => Requests;
}

/// <summary>The outcome of a <c>bench</c> run: the measured phase, and the warm-up apart.</summary>
internal sealed record BenchReport(string Target, BenchPlan Plan, int Calls, int Errors, int MiErrors, TimeSpan Elapsed, double[] LatenciesMs, string? FirstError, int WarmupCalls, TimeSpan WarmupElapsed)
{
    public double CallsPerSecond => Elapsed > TimeSpan.Zero ? Calls / Elapsed.TotalSeconds : 0;

    public int ExitCode => Errors == 0 ? ExitCodes.Success : Errors == MiErrors ? ExitCodes.MiError : ExitCodes.Transport;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(rank, 0, LatenciesMs.Length - 1)];
    }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("target", Target);
            json.WriteString("command", Plan.Method);
            json.WriteString("mode", Plan.Raw ? "raw" : "library");
            json.WriteNumber("requests", Calls);
            json.WriteNumber("errors", Errors);
            json.WriteNumber("concurrency", Plan.Concurrency);
            json.WriteNumber("seconds", Math.Round(Elapsed.TotalSeconds, 3));
            json.WriteNumber("calls_per_second", Math.Round(CallsPerSecond, 1));
            json.WriteNumber("p50_ms", Math.Round(Percentile(50), 3));
            json.WriteNumber("p90_ms", Math.Round(Percentile(90), 3));
            json.WriteNumber("p99_ms", Math.Round(Percentile(99), 3));
            json.WriteNumber("max_ms", Math.Round(LatenciesMs.Length == 0 ? 0 : LatenciesMs[^1], 3));
            json.WriteNumber("warmup_requests", WarmupCalls);
            json.WriteNumber("warmup_seconds", Math.Round(WarmupElapsed.TotalSeconds, 3));
            if (FirstError is not null)
            {
                json.WriteString("first_error", FirstError);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"""
        {Plan.Method} on {Target} ({(Plan.Raw ? "raw" : "library")}, {Plan.Concurrency} in flight)
          warm-up    {WarmupCalls} calls in {WarmupElapsed.TotalSeconds:0.000} s (not counted below)
          calls      {Calls} in {Elapsed.TotalSeconds:0.000} s
          calls/s    {CallsPerSecond:0.0}
          errors     {Errors}{(FirstError is null ? "" : " (first: " + FirstError + ")")}
          latency    p50 {Percentile(50):0.000} ms  p90 {Percentile(90):0.000} ms  p99 {Percentile(99):0.000} ms  max {(LatenciesMs.Length == 0 ? 0 : LatenciesMs[^1]):0.000} ms
        """);
}

/// <summary>A way of making the calls: the library (one <see cref="MiClient"/>) or one of the raw floors.</summary>
internal interface IBenchSession : IAsyncDisposable
{
    /// <summary>Makes calls until <paramref name="state"/> has none left or <paramref name="cancellationToken"/> fires.</summary>
    Task RunAsync(BenchState state, CancellationToken cancellationToken);
}

/// <summary>Runs a <see cref="BenchPlan"/>: a warm-up phase, then the measured phase, on the same client or sockets.</summary>
internal static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(MiConnectionOptions options, BenchPlan plan, CliEnvironment? progress, CancellationToken cancellationToken)
    {
        await using var session = plan.Raw ? RawSessions.Create(options, plan) : new LibrarySession(options, plan);

        var warmupCalls = 0;
        var warmupElapsed = TimeSpan.Zero;
        if (plan.Warmup > TimeSpan.Zero)
        {
            var warmup = new BenchState(plan, plan.WarmupRequests);
            var (elapsed, _) = await RunPhaseAsync(session, warmup, plan.Warmup, null, cancellationToken).ConfigureAwait(false);
            (warmupCalls, warmupElapsed) = (warmup.Completed, elapsed);
        }

        var state = new BenchState(plan, plan.Requests);
        var (measured, _) = await RunPhaseAsync(session, state, plan.Duration, progress, cancellationToken).ConfigureAwait(false);
        var latencies = state.Latencies();
        Array.Sort(latencies);
        return new BenchReport(options.ToUriString(), plan, state.Completed, state.Errors, state.MiErrors, measured, latencies, state.FirstError, warmupCalls, warmupElapsed);
    }

    private static async Task<(TimeSpan Elapsed, bool TimedOut)> RunPhaseAsync(IBenchSession session, BenchState state, TimeSpan? duration, CliEnvironment? progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration is { } limit)
        {
            stop.CancelAfter(limit);
        }

        var watch = Stopwatch.StartNew();
        var reporter = progress is null ? Task.CompletedTask : ReportProgressAsync(progress, state, watch, stop.Token);
        var timedOut = false;
        try
        {
            await session.RunAsync(state, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
        }

        watch.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        if (progress is not null && progress.OutputIsTerminal)
        {
            await progress.Error.WriteAsync("\r\u001b[K").ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (watch.Elapsed, timedOut);
    }

    private static async Task ReportProgressAsync(CliEnvironment env, BenchState state, Stopwatch watch, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(env.OutputIsTerminal ? 250 : 1000), ct).ConfigureAwait(false);
                var seconds = watch.Elapsed.TotalSeconds;
                var line = string.Create(CultureInfo.InvariantCulture, $"{state.Completed} calls, {state.Completed / Math.Max(seconds, 1e-9):0} calls/s, {state.Errors} errors, {seconds:0.0} s");
                await (env.OutputIsTerminal ? env.Error.WriteAsync("\r\u001b[K" + line) : env.Error.WriteLineAsync(line)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The library: C workers awaiting calls on ONE client.</summary>
    private sealed class LibrarySession(MiConnectionOptions options, BenchPlan plan) : IBenchSession
    {
        private readonly MiClient _client = MiClient.Connect(options);

        public Task RunAsync(BenchState state, CancellationToken cancellationToken) =>
            Task.WhenAll(Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(() => WorkerAsync(state, cancellationToken), CancellationToken.None)));

        private async Task WorkerAsync(BenchState state, CancellationToken ct)
        {
            var latencies = state.NewWorkerLog();
            while (!ct.IsCancellationRequested && state.TryTake())
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var response = await _client.CommandAsync(plan.Method, plan.Parameters, ct).ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    state.Complete(response.IsSuccess ? null : "error " + response.Error.Code.ToString(CultureInfo.InvariantCulture) + ": " + response.Error.Message, mi: true);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (MiException ex)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    state.Complete(ex.Message, mi: false);
                }
                catch (TimeoutException ex)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    state.Complete(ex.Message, mi: false);
                }
            }
        }

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}

/// <summary>Counters shared by the workers of one phase; each worker keeps its own latency log.</summary>
internal sealed class BenchState(BenchPlan plan, int requests)
{
    private readonly Lock _gate = new();
    private readonly List<List<double>> _logs = [];
    private int _taken;
    private int _completed;
    private int _errors;
    private int _miErrors;
    private string? _firstError;

    public BenchPlan Plan => plan;

    public int Completed => Volatile.Read(ref _completed);

    public int Errors => Volatile.Read(ref _errors);

    public int MiErrors => Volatile.Read(ref _miErrors);

    public string? FirstError => Volatile.Read(ref _firstError);

    public bool TryTake() => Interlocked.Increment(ref _taken) <= requests;

    public void Complete(string? error, bool mi)
    {
        Interlocked.Increment(ref _completed);
        if (error is not null)
        {
            Interlocked.Increment(ref _errors);
            if (mi)
            {
                Interlocked.Increment(ref _miErrors);
            }

            Interlocked.CompareExchange(ref _firstError, error, null);
        }
    }

    public List<double> NewWorkerLog()
    {
        var log = new List<double>((int)Math.Min(((long)requests / plan.Concurrency) + 1, 1 << 16));
        lock (_gate)
        {
            _logs.Add(log);
        }

        return log;
    }

    public double[] Latencies()
    {
        lock (_gate)
        {
            return _logs.SelectMany(l => l).ToArray();
        }
    }
}
