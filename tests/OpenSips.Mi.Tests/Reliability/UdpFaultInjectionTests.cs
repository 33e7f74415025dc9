using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8: 10,000 calls with 16 in flight over UDP while 10% of the replies are dropped, duplicated, reordered or
/// delayed. Which call gets which fault is decided up front from a seed, so every run injects the same faults into the
/// same calls and the test knows, per call, whether it must succeed or time out.
/// </summary>
[Collection(ReliabilitySerial.Name)]
public sealed class UdpFaultInjectionTests
{
    private const int Calls = 10_000;
    private const int InFlight = 16;
    private const int Seed = 20240808;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan LongDelay = TimeSpan.FromMilliseconds(450);
    private static readonly TimeSpan ShortDelay = TimeSpan.FromMilliseconds(40);

    // How much later than its timeout a call may end: scheduling on a busy 2-core machine, nothing else.
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    private enum Fate
    {
        None,
        Drop,
        Duplicate,
        Reorder,
        DelayPastTimeout,
        DelayWithinTimeout,
    }

    [Fact(Timeout = 120_000)]
    public async Task Ten_thousand_calls_under_faults_all_end_in_time_and_none_gets_another_calls_reply()
    {
        var ct = TestContext.Current.CancellationToken;

        // 10% of the calls get a fault, 2% per kind; the rest none.
        var random = new Random(Seed);
        var fates = new Fate[Calls];
        var tokens = new string[Calls];
        for (var i = 0; i < Calls; i++)
        {
            var roll = random.Next(50);
            fates[i] = roll < 5 ? (Fate)(roll + 1) : Fate.None;
            tokens[i] = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
        }

        await using var emulator = await MiEmulator.StartAsync(
            new MiEmulatorOptions { EnableUnix = false, EnableHttp = false, EnableFifo = false }, ct);
        emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));
        Func<MiEmulatorRequest, bool> Is(Fate fate) => request => FateOf(request, fates) == fate;
        var faults = new Dictionary<Fate, MiFault>
        {
            [Fate.Drop] = emulator.Faults.Add(MiFault.DropReply(Is(Fate.Drop))),
            [Fate.Duplicate] = emulator.Faults.Add(MiFault.DuplicateReply(Is(Fate.Duplicate))),
            [Fate.Reorder] = emulator.Faults.Add(MiFault.ReorderReply(TimeSpan.FromMilliseconds(50), Is(Fate.Reorder))),
            [Fate.DelayPastTimeout] = emulator.Faults.Add(MiFault.DelayReply(LongDelay, Is(Fate.DelayPastTimeout))),
            [Fate.DelayWithinTimeout] = emulator.Faults.Add(MiFault.DelayReply(ShortDelay, Is(Fate.DelayWithinTimeout))),
        };

        await using var client = MiClient.Connect(new DatagramOptions("127.0.0.1", emulator.UdpEndPoint.Port) { Timeout = CallTimeout });

        var outcomes = new Outcome[Calls];
        var next = -1;
        var run = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Calls)
            {
                outcomes[i] = await CallAsync(client, i, tokens[i]);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        run.Stop();

        // Every call ended, and each result is the echo of its own request.
        Assert.All(outcomes, o => Assert.NotNull(o));
        var misdelivered = outcomes.Count(o => o.Echo is { } echo && echo != o.Expected);
        Assert.Equal(0, misdelivered);
        var unexpectedErrors = outcomes.Where(o => o.Error is not null and not MiTimeoutException).Select(o => o.Error!.GetType().Name + ": " + o.Error.Message).ToArray();
        Assert.Empty(unexpectedErrors);

        // Every timeout ended within its bound plus the margin, never early.
        var timeouts = outcomes.Where(o => o.Error is MiTimeoutException).ToArray();
        var slowest = timeouts.Length == 0 ? TimeSpan.Zero : timeouts.Max(o => o.Elapsed);
        Assert.True(slowest <= CallTimeout + Margin, $"a timed-out call took {slowest.TotalMilliseconds:0} ms (bound {CallTimeout.TotalMilliseconds} ms + {Margin.TotalMilliseconds} ms)");
        Assert.All(timeouts, o => Assert.True(o.Elapsed >= CallTimeout - TimeSpan.FromMilliseconds(20), $"timed out early, after {o.Elapsed.TotalMilliseconds:0} ms"));

        // Dropped replies and replies delayed past the timeout can only time out: a result would be someone else's reply.
        for (var i = 0; i < Calls; i++)
        {
            if (fates[i] is Fate.Drop or Fate.DelayPastTimeout)
            {
                Assert.True(outcomes[i].Error is MiTimeoutException, $"call {i} ({fates[i]}) ended with {outcomes[i].Describe()}");
            }
        }

        // Duplicated, reordered, slightly delayed and untouched replies are delivered; a very few may still time out when
        // the machine is saturated (no reply can be lost on loopback, but it can be late).
        var shouldSucceed = Enumerable.Range(0, Calls).Where(i => fates[i] is not (Fate.Drop or Fate.DelayPastTimeout)).ToArray();
        var lateOnLoad = shouldSucceed.Count(i => outcomes[i].Echo is null);
        Assert.True(lateOnLoad <= shouldSucceed.Length / 200, $"{lateOnLoad} of {shouldSucceed.Length} calls whose reply was sent in time still timed out");

        // The faults really fired, once per chosen call.
        foreach (var (fate, fault) in faults)
        {
            Assert.Equal(fates.Count(f => f == fate), fault.Fired);
        }

        // Nothing is left waiting in the correlator.
        Assert.Equal(0, ProcessResources.PendingDatagramCalls(client));

        TestContext.Current.SendDiagnosticMessage(
            $"UDP fault run: {Calls} calls in {run.Elapsed.TotalSeconds:0.0} s; faults " +
            string.Join(", ", faults.Select(f => $"{f.Key} {f.Value.Fired}")) +
            $"; {timeouts.Length} timeouts (slowest {slowest.TotalMilliseconds:0} ms), {lateOnLoad} late under load, 0 misdelivered");
    }

    private static Fate FateOf(MiEmulatorRequest request, Fate[] fates) =>
        request.Params is JsonArray { Count: 2 } p && p[0] is JsonValue v && v.TryGetValue<long>(out var index) && index >= 0 && index < fates.Length
            ? fates[index]
            : Fate.None;

    private static async Task<Outcome> CallAsync(MiClient client, int index, string token)
    {
        var expected = $"{index}/{token}";
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await client.CommandAsync("echo", MiParams.Positional(index, token));
            var result = response.GetResult();
            return new Outcome(expected, $"{result[0].GetInt64()}/{result[1].GetString()}", null, Stopwatch.GetElapsedTime(started));
        }
#pragma warning disable CA1031 // Every exception is an outcome to check.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Outcome(expected, null, ex, Stopwatch.GetElapsedTime(started));
        }
    }

    private sealed record Outcome(string Expected, string? Echo, Exception? Error, TimeSpan Elapsed)
    {
        public string Describe() => Echo is not null ? $"result {Echo}" : $"{Error!.GetType().Name} after {Elapsed.TotalMilliseconds:0} ms";
    }
}
