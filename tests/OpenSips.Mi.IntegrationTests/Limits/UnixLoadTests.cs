using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Limits;

/// <summary>
/// The load that lost replies before: mi_datagram answers with a non-blocking <c>sendto</c>, and a unix client socket
/// queues only <c>net.unix.max_dgram_qlen</c> datagrams (docs/wire-facts.md#dg-unix-queue). With 32 and 64 calls in flight
/// on ONE unix client against a real server, every one of 3000 calls gets its own reply: none lost, none misdelivered.
/// </summary>
public abstract class UnixLoadTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private const int Keys = 64;
    private const int Calls = 3000;

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public async Task Thousands_of_calls_in_flight_on_one_unix_client_each_get_their_own_reply(int inFlight)
    {
        await using var mi = Servers.Connect(MiTransportKind.Unix);
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var k = 0; k < Keys; k++)
        {
            (await mi.CommandAsync("cache_store", MiParams.Positional("local", $"{run}-{k}", $"value-{run}-{k}"), Ct)).EnsureSuccess();
        }

        var next = -1;
        var wrong = 0;
        var failed = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) is var i && i < Calls)
            {
                var k = i % Keys;
                try
                {
                    var result = (await mi.CommandAsync("cache_fetch", MiParams.Positional("local", $"{run}-{k}"), Ct)).GetResult();
                    if (result.GetProperty("key").GetString() != $"{run}-{k}" || result.GetProperty("value").GetString() != $"value-{run}-{k}")
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (Exception ex) when (ex is MiException or TimeoutException)
                {
                    failed.Add($"{ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(WorkerAsync, Ct)));

        Assert.Empty(failed);
        Assert.Equal(0, wrong);
        for (var k = 0; k < Keys; k++)
        {
            (await mi.CommandAsync("cache_remove", MiParams.Positional("local", $"{run}-{k}"), Ct)).EnsureSuccess();
        }
    }

    [Fact]
    public async Task Calls_cancelled_in_flight_never_cost_a_later_call_its_reply()
    {
        // Cancelled calls are still answered by OpenSIPS; their replies must not crowd out the next calls' in the socket queue.
        await using var mi = Servers.Connect(MiTransportKind.Unix);
        var lost = new System.Collections.Concurrent.ConcurrentBag<string>();
        for (var round = 0; round < 5; round++)
        {
            using (var burst = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                burst.CancelAfter(TimeSpan.FromMilliseconds(150));
                await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(
                    async () =>
                    {
                        try
                        {
                            while (true)
                            {
                                await mi.CommandAsync("uptime", burst.Token);
                            }
                        }
                        catch (OperationCanceledException) when (burst.IsCancellationRequested)
                        {
                        }
                    },
                    Ct)));
            }

            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(
                async () =>
                {
                    while (Interlocked.Increment(ref next) < 2000)
                    {
                        try
                        {
                            (await mi.CommandAsync("uptime", Ct)).EnsureSuccess();
                        }
                        catch (Exception ex) when (ex is MiException or TimeoutException)
                        {
                            lost.Add(ex.Message);
                        }
                    }
                },
                Ct)));
        }

        Assert.Empty(lost);
    }
}

[Collection(V34.Name)]
public sealed class UnixLoad34(Servers34 servers) : UnixLoadTests<Servers34>(servers);

[Collection(V36.Name)]
public sealed class UnixLoad36(Servers36 servers) : UnixLoadTests<Servers36>(servers);

[Collection(V40.Name)]
public sealed class UnixLoad40(Servers40 servers) : UnixLoadTests<Servers40>(servers);
