using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Datagram;

/// <summary>
/// mi_datagram over a unix socket: OpenSIPS sends each reply once without waiting, and a client socket queues only
/// net.unix.max_dgram_qlen replies, so the client bounds its calls in flight per socket, opens more sockets on demand,
/// and queues the rest in order.
/// </summary>
public sealed class UnixInFlightTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int QueueLength => int.Parse(File.ReadAllText("/proc/sys/net/unix/max_dgram_qlen").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sixty_four_calls_in_flight_each_get_their_own_reply_even_while_the_receiver_is_held_up()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUdp = false, RecordRequests = false }, Ct);
        emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));
        var sockets = Directory.CreateTempSubdirectory("osmi-sock-");
        try
        {
            await using var client = MiClient.Connect(new UnixDatagramOptions(emulator.UnixSocketPath) { ClientSocketDirectory = sockets.FullName, Timeout = TimeSpan.FromSeconds(5) });
            var tokens = Enumerable.Range(0, 64).Select(i => $"{i}/{Guid.NewGuid():N}").ToArray();
            var held = 0;
            var calls = tokens.Select(token => client.CommandAsync("echo", MiParams.Positional(token), Ct)).ToArray();

            // The first continuation to run holds the thread that received its reply for 300 ms, while the other replies
            // arrive: without a bound, they would overflow the socket's queue and be dropped.
            var holds = calls.Select(call => call.ContinueWith(
                _ =>
                {
                    if (Interlocked.Exchange(ref held, 1) == 0)
                    {
                        Thread.Sleep(300);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)).ToArray();
            var replies = await Task.WhenAll(calls);
            await Task.WhenAll(holds);

            Assert.Equal(tokens, replies.Select(r => r.GetResult()[0].GetString()));
            Assert.Equal(0, emulator.DatagramRepliesDropped);
            Assert.Single(Directory.GetFileSystemEntries(sockets.FullName));
        }
        finally
        {
            sockets.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Calls_beyond_the_bound_wait_in_order_and_no_socket_ever_has_more_in_flight_than_it_may_queue()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path)
        {
            ClientSocketDirectory = server.ClientDirectory,
            MaxCallsPerSocket = 4,
            MaxClientSockets = 3,
            Timeout = TimeSpan.FromSeconds(10),
        });
        var calls = Enumerable.Range(0, 25).Select(i => client.CommandAsync("echo", MiParams.Positional(i), Ct)).ToArray();

        // The first wave: 3 sockets with 4 calls each, nothing more until a reply frees a slot.
        var wave = new List<(JsonObject Request, string From)>();
        for (var i = 0; i < 12; i++)
        {
            wave.Add(await server.ReceiveAsync(Ct));
        }

        await Task.Delay(200, Ct);
        Assert.Equal(3, wave.Select(r => r.From).Distinct().Count());
        Assert.All(wave.GroupBy(r => r.From), g => Assert.Equal(4, g.Count()));
        Assert.Equal(Enumerable.Range(0, 12), wave.Select(r => (int)r.Request["params"]![0]!).Order());

        // Each reply lets exactly one waiting call through, in the order the calls were made.
        var answered = 0;
        var seen = new List<int>();
        var outstanding = new Queue<(JsonObject Request, string From)>(wave);
        while (outstanding.TryDequeue(out var next))
        {
            Assert.True(server.Reply(next.Request, next.From, next.Request["params"]!.ToJsonString()));
            answered++;
            if (12 + seen.Count < 25)
            {
                var admitted = await server.ReceiveAsync(Ct);
                seen.Add((int)admitted.Request["params"]![0]!);
                outstanding.Enqueue(admitted);
            }
        }

        Assert.Equal(Enumerable.Range(12, 13), seen);
        var replies = await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 25), replies.Select(r => r.GetResult()[0].GetInt32()));
        Assert.Equal(0, server.Dropped);
        Assert.Equal(25, answered);
    }

    [Fact]
    public async Task A_surplus_socket_that_fell_idle_while_the_first_was_busy_is_closed_once_the_first_frees_up()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory, MaxCallsPerSocket = 2, MaxClientSockets = 2, Timeout = TimeSpan.FromSeconds(10) });
        var calls = Enumerable.Range(0, 4).Select(i => client.CommandAsync("echo", MiParams.Positional(i), Ct)).ToArray();
        var requests = new List<(JsonObject Request, string From)>();
        for (var i = 0; i < 4; i++)
        {
            requests.Add(await server.ReceiveAsync(Ct));
        }

        var bySocket = requests.GroupBy(r => r.From).ToArray();
        Assert.Equal(2, bySocket.Length);
        var first = bySocket.Single(g => g.Any(r => (int)r.Request["params"]![0]! == 0));
        var surplus = bySocket.Single(g => g != first);

        // The surplus socket's calls end first, while the first socket is still full: it stays open for now.
        foreach (var (request, from) in surplus)
        {
            Assert.True(server.Reply(request, from, request["params"]!.ToJsonString()));
        }

        await Task.WhenAll(calls.Where((_, i) => surplus.Any(r => (int)r.Request["params"]![0]! == i)));
        Assert.Equal(2, Directory.GetFileSystemEntries(server.ClientDirectory).Length);

        // Then the first socket's calls end: the burst is over and the idle surplus socket is closed and removed.
        foreach (var (request, from) in first)
        {
            Assert.True(server.Reply(request, from, request["params"]!.ToJsonString()));
        }

        await Task.WhenAll(calls);
        Assert.Equal(first.Key, Assert.Single(Directory.GetFileSystemEntries(server.ClientDirectory)));
    }

    [Fact]
    public async Task A_reply_still_owed_to_a_timed_out_call_keeps_its_place_so_the_next_call_goes_out_on_another_socket()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory, MaxCallsPerSocket = 2, MaxClientSockets = 2 });
        var abandoned = new[] { client.CommandAsync("echo", MiParams.Positional(0), TimeSpan.FromMilliseconds(200), Ct), client.CommandAsync("echo", MiParams.Positional(1), TimeSpan.FromMilliseconds(200), Ct) };
        var late = new[] { await server.ReceiveAsync(Ct), await server.ReceiveAsync(Ct) };
        foreach (var call in abandoned)
        {
            await Assert.ThrowsAsync<MiTimeoutException>(() => call);
        }

        // OpenSIPS may still answer both: the first socket has no room left for a new call's reply.
        var next = client.CommandAsync("echo", MiParams.Positional(2), TimeSpan.FromSeconds(5), Ct);
        var request = await server.ReceiveAsync(Ct);
        Assert.NotEqual(late[0].From, request.From);

        // The late replies come and are dropped; then the first socket takes calls again.
        Assert.All(late, r => Assert.True(server.Reply(r.Request, r.From, r.Request["params"]!.ToJsonString())));
        Assert.True(server.Reply(request.Request, request.From, request.Request["params"]!.ToJsonString()));
        Assert.Equal(2, (await next).GetResult()[0].GetInt32());
        await Task.Delay(100, Ct);
        var again = client.CommandAsync("echo", MiParams.Positional(3), TimeSpan.FromSeconds(5), Ct);
        var third = await server.ReceiveAsync(Ct);
        Assert.Equal(late[0].From, third.From);
        Assert.True(server.Reply(third.Request, third.From, third.Request["params"]!.ToJsonString()));
        Assert.Equal(3, (await again).GetResult()[0].GetInt32());
        Assert.Equal(0, server.Dropped);
    }

    [Fact]
    public async Task A_socket_owed_a_reply_that_never_comes_is_replaced_when_no_other_socket_may_be_opened()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory, MaxCallsPerSocket = 1, MaxClientSockets = 1 });
        await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("echo", MiParams.Positional(0), TimeSpan.FromMilliseconds(200), Ct));
        var lost = await server.ReceiveAsync(Ct);

        var next = client.CommandAsync("echo", MiParams.Positional(1), TimeSpan.FromSeconds(5), Ct);
        var request = await server.ReceiveAsync(Ct);

        Assert.NotEqual(lost.From, request.From);
        Assert.False(File.Exists(lost.From));
        Assert.True(server.Reply(request.Request, request.From, request.Request["params"]!.ToJsonString()));
        Assert.Equal(1, (await next).GetResult()[0].GetInt32());
    }

    [Fact]
    public async Task A_call_that_waits_for_a_free_slot_until_its_timeout_says_so()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory, MaxCallsPerSocket = 1, MaxClientSockets = 1 });
        var first = client.CommandAsync("t_uac_dlg", null, TimeSpan.FromSeconds(5), Ct);
        await server.ReceiveAsync(Ct);

        var ex = await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("uptime", null, TimeSpan.FromMilliseconds(300), Ct));

        Assert.Contains("free slot", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxCallsPerSocket", ex.Message, StringComparison.Ordinal);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public async Task The_unix_timeout_message_names_the_socket_and_not_UDP()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableHttp = false, EnableUdp = false }, Ct);
        emulator.Handle("silent", _ => MiEmulatorReply.NoReply);
        await using var client = MiClient.Connect(emulator.UnixUri);

        var ex = await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("silent", null, TimeSpan.FromMilliseconds(200), Ct));

        Assert.DoesNotContain("UDP", ex.Message, StringComparison.Ordinal);
        Assert.Contains("that socket", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replies_forged_by_another_local_socket_with_guessable_ids_never_reach_a_call()
    {
        using var server = new RawUnixServer();
        await using var client = MiClient.Connect(new UnixDatagramOptions(server.Path) { ClientSocketDirectory = server.ClientDirectory });
        var call = client.CommandAsync("uptime", Ct);
        var (request, from) = await server.ReceiveAsync(Ct);

        // Anyone who can write to the client's socket file may try the small ids a counter starting at 1 would use.
        using (var forger = new RawUnixServer())
        {
            for (var id = 1; id <= 200; id++)
            {
                forger.Send($$"""{"jsonrpc":"2.0","result":"forged","id":{{id}}}""", from);
                if (id % 8 == 0)
                {
                    await Task.Delay(5, Ct);
                }
            }
        }

        await Task.Delay(100, Ct);
        Assert.False(call.IsCompleted);
        Assert.True(server.Reply(request, from, "\"genuine\""));
        Assert.Equal("genuine", (await call).GetResult().GetString());
    }

    [Fact]
    public async Task Request_ids_start_at_a_random_value_per_client()
    {
        using var server = new RawUdpServer();
        var first = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await using var client = MiClient.Connect(server.Uri);
            var call = client.CommandAsync("uptime", Ct);
            var (request, from) = await server.ReceiveAsync(Ct);
            first.Add((int)request["id"]!);
            await server.ReplyAsync(request, from, "1", Ct);
            await call;
        }

        Assert.Equal(3, first.Distinct().Count());
        Assert.All(first, id => Assert.InRange(id, 1, int.MaxValue));
    }

    [Fact]
    public void The_default_bound_is_the_kernels_unix_datagram_queue_length() =>
        Assert.Equal(QueueLength, UnixDatagramChannel.ReadQueueLength());
}
