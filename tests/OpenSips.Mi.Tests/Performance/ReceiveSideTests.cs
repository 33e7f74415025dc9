using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Tests.Reliability;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Performance;

/// <summary>
/// The receive side (reactor, deadline sweep, reply budget) keeps its promises whatever callers do: no timings are
/// asserted, only outcomes that would differ if a mechanism were missing.
/// </summary>
public sealed class ReceiveSideTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static T ExchangeOf<T>(MiClient client)
        where T : class =>
        (T)typeof(MiClient).GetField("_exchange", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(client)!;

    [Fact]
    public async Task A_continuation_that_blocks_on_another_call_of_the_same_client_is_not_left_waiting_for_its_timeout()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUnix = false }, Ct);
        await using var client = MiClient.Connect(new DatagramOptions("127.0.0.1", emulator.UdpEndPoint.Port) { Timeout = TimeSpan.FromSeconds(20) });

        // The first reply is held back so that the continuation below is attached before it arrives (a reply already in
        // when ContinueWith is called would run the continuation on this test's thread, and nothing would block receiving).
        emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromMilliseconds(200), r => r.Method == "uptime", times: 1));

        // The first reply's continuation runs on the thread that received it and then waits, synchronously, for a second
        // call: that reply can only be read once receiving has moved to another thread.
        var first = client.CommandAsync("uptime", Ct);
#pragma warning disable xUnit1031 // The blocking wait is the behaviour under test.
        var nested = first.ContinueWith(
            _ => client.CommandAsync("version", Ct).GetAwaiter().GetResult(),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
#pragma warning restore xUnit1031

        var version = await nested;

        Assert.Equal("OpenSIPS (3.6.8 (x86_64/linux))", version.GetResult().GetProperty("Server").GetString());
        Assert.True(ExchangeOf<DatagramExchange>(client).Reactor.Stalls >= 1, "the receiving thread was never released from the blocked continuation");
    }

    [Fact]
    public async Task Large_unix_replies_lower_the_calls_in_flight_so_that_they_fit_in_the_servers_send_buffer()
    {
        var blob = new string('x', 60_000);
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory, MaxCallsPerSocket = 10, Timeout = TimeSpan.FromSeconds(10) });

        // One reply teaches the client how large replies are.
        var learn = client.CommandAsync("ul_dump", Ct);
        var (request, from) = await server.ReceiveAsync(Ct);
        Assert.True(server.Reply(request, from, $"\"{blob}\""));
        await learn;

        var budget = int.Parse(File.ReadAllText(UnixDatagramChannel.SendBufferPath).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 3 / 4;
        var expected = Math.Clamp(budget / (blob.Length + 2 + 36 + 1024), 1, 10);
        var calls = Enumerable.Range(0, 10).Select(_ => client.CommandAsync("ul_dump", Ct)).ToArray();
        var answered = 0;
        while (answered < calls.Length)
        {
            // Everything the client lets through before a reply frees a slot.
            var outstanding = new List<(System.Text.Json.Nodes.JsonObject Request, string From)> { await server.ReceiveAsync(Ct) };
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                quiet.CancelAfter(300);
                try
                {
                    while (true)
                    {
                        outstanding.Add(await server.ReceiveAsync(quiet.Token));
                    }
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                }
            }

            Assert.InRange(outstanding.Count, 1, expected);
            foreach (var (r, f) in outstanding)
            {
                Assert.True(server.Reply(r, f, $"\"{blob}\""));
                answered++;
            }
        }

        Assert.All(await Task.WhenAll(calls), r => Assert.Equal(blob.Length, r.GetResult().GetString()!.Length));
        Assert.Equal(0, server.Dropped);
    }

    [Fact]
    public async Task A_deadline_added_earlier_than_the_armed_one_expires_first_and_none_expires_early()
    {
        using var sweep = new DeadlineSweep();
        var expired = new System.Collections.Concurrent.ConcurrentQueue<(string Name, long At)>();
        var late = new Probe("late", expired);
        var early = new Probe("early", expired);
        var removed = new Probe("removed", expired);
        var now = Stopwatch.GetTimestamp();
        sweep.Add(late, now + (Stopwatch.Frequency * 6 / 10));
        sweep.Add(removed, now + (Stopwatch.Frequency / 10));
        sweep.Add(early, now + (Stopwatch.Frequency * 2 / 10));
        sweep.Remove(removed);

        while (expired.Count < 2)
        {
            await Task.Delay(20, Ct);
        }

        await Task.Delay(300, Ct);
        Assert.Equal(["early", "late"], expired.Select(e => e.Name));
        Assert.All(expired, e => Assert.True(e.At >= (e.Name == "early" ? early : late).Deadline, $"{e.Name} expired before its deadline"));
    }

    private sealed class Probe(string name, System.Collections.Concurrent.ConcurrentQueue<(string, long)> log) : DeadlineEntry
    {
        internal override long Generation => 1;

        internal override void Expire(long generation) => log.Enqueue((name, Stopwatch.GetTimestamp()));
    }
}

/// <summary>Threads the clients start end with them (run alone, so that no other test's clients are counted).</summary>
[Collection(ReliabilitySerial.Name)]
public sealed class ReceiveThreadTests
{
    [Fact]
    public async Task Disposing_clients_ends_their_receive_threads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false }, ct);
        var before = ProcessResources.ThreadsNamed("mi_datagram rx") + ProcessResources.ThreadsNamed("mi_http rx");
        var clients = new[] { emulator.UdpUri, emulator.UnixUri, emulator.HttpUriString, emulator.UdpUri }.Select(MiClient.Connect).ToArray();
        foreach (var client in clients)
        {
            Assert.True((await client.CommandAsync("uptime", ct)).IsSuccess);
        }

        Assert.Equal(before + clients.Length, ProcessResources.ThreadsNamed("mi_datagram rx") + ProcessResources.ThreadsNamed("mi_http rx"));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        Assert.True(
            await ProcessResources.EventuallyAsync(() => ProcessResources.ThreadsNamed("mi_datagram rx") + ProcessResources.ThreadsNamed("mi_http rx") == before, TimeSpan.FromSeconds(10)),
            "a receive thread outlived its client");
    }
}
