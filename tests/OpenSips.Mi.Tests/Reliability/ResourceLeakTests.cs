using System.Diagnostics;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8: after thousands of mixed calls (results, JSON-RPC errors, garbage replies, timeouts, requests refused before
/// sending), the process holds no more file descriptors, reply FIFOs, FIFO reader threads or pending datagram calls than
/// before. Measured after a warm-up (the HTTP pool, the runtime's epoll/eventfd and thread-pool threads are created then),
/// in the serial collection so that no other test opens descriptors meanwhile.
/// </summary>
[Collection(ReliabilitySerial.Name)]
public sealed class ResourceLeakTests
{
    private const int InFlight = 16;

    // The runtime may open a few descriptors of its own (a timer, a new thread-pool thread's eventfd).
    private const int DescriptorTolerance = 8;

    // mi_fifo's default pool keeps up to 16 idle reply FIFOs (each with its read end open) while the client lives.
    private const int PooledReplyFifos = 16;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(200);

    public static TheoryData<string, int> Transports() => new()
    {
        { MiTransport.Datagram, 3000 },
        { MiTransport.Unix, 3000 },
        { MiTransport.Http, 2000 },
        { MiTransport.XmlRpc, 1000 },
        { MiTransport.Fifo, 1500 },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Transports))]
    public async Task Mixed_calls_leave_no_descriptors_fifos_threads_or_pending_calls_behind(string transport, int calls)
    {
        var ct = TestContext.Current.CancellationToken;
        var clientSockets = Directory.CreateTempSubdirectory("osmi-sock-");
        try
        {
            await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions(), ct);
            emulator.Handle("echo", request => MiEmulatorReply.Result(request.Params?.DeepClone()));
            emulator.Handle("boom", _ => MiEmulatorReply.Ok);
            emulator.Faults.Add(MiFault.DropReply(r => r.Method == "silent"));
            emulator.Faults.Add(MiFault.ReplaceReply(
                transport == MiTransport.XmlRpc ? "<methodResponse><oops/>"u8.ToArray() : MiFault.InternalErrorText,
                r => r.Method == "boom"));
            MiConnectionOptions options = transport switch
            {
                MiTransport.Datagram => MiConnectionOptions.Parse(emulator.UdpUri),
                MiTransport.Unix => new UnixDatagramOptions(emulator.UnixSocketPath) { ClientSocketDirectory = clientSockets.FullName },
                MiTransport.Http => MiConnectionOptions.Parse(emulator.HttpUriString),
                MiTransport.XmlRpc => MiConnectionOptions.Parse(emulator.XmlRpcUriString),
                _ => new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory },
            };

            var failures = new List<string>();
            int descriptorsBefore;
            var watch = new Stopwatch();
            await using (var client = MiClient.Connect(options with { Timeout = CallTimeout }))
            {
                await RunAsync(client, 200, failures);
                await Task.Delay(300, ct);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                descriptorsBefore = ProcessResources.OpenDescriptors();

                watch.Start();
                await RunAsync(client, calls, failures);
                watch.Stop();

                // A reply that was sent but arrived after 200 ms on a saturated machine is not a leak; a few are tolerated.
                Assert.DoesNotContain(failures, f => !f.StartsWith("late:", StringComparison.Ordinal));
                Assert.True(failures.Count <= calls / 100, $"{failures.Count} of {calls} calls answered late: {string.Join("; ", failures.Take(3))}");
                Assert.Equal(0, ProcessResources.PendingDatagramCalls(client));
                var settled = await ProcessResources.EventuallyAsync(
                    () => ProcessResources.OpenDescriptors() <= descriptorsBefore + DescriptorTolerance
                        && ProcessResources.Entries(emulator.FifoReplyDirectory) <= PooledReplyFifos
                        && ProcessResources.ThreadsNamed("mi_fifo reply") == 0,
                    TimeSpan.FromSeconds(10));
                Assert.True(settled,
                    $"after {calls} calls: {ProcessResources.OpenDescriptors()} descriptors (before {descriptorsBefore}), " +
                    $"{ProcessResources.Entries(emulator.FifoReplyDirectory)} reply FIFOs, {ProcessResources.ThreadsNamed("mi_fifo reply")} FIFO reader threads");
                if (transport == MiTransport.Unix)
                {
                    // A socket still owed replies (the dropped ones) is kept rather than reused too early, within the bound.
                    Assert.InRange(ProcessResources.Entries(clientSockets.FullName), 1, new UnixDatagramOptions("/x").MaxClientSockets);
                }
                else
                {
                    Assert.Equal(0, ProcessResources.Entries(clientSockets.FullName));
                }
            }

            var descriptorsAfter = ProcessResources.OpenDescriptors();
            Assert.Equal(0, ProcessResources.Entries(clientSockets.FullName));
            Assert.Equal(0, ProcessResources.Entries(emulator.FifoReplyDirectory));
            TestContext.Current.SendDiagnosticMessage(
                $"{transport}: {calls} mixed calls in {watch.Elapsed.TotalSeconds:0.0} s; descriptors {descriptorsBefore} before, {descriptorsAfter} after dispose");
        }
        finally
        {
            clientSockets.Delete(recursive: true);
        }
    }

    /// <summary>Per ten calls: six echoes, one unknown command, one garbage reply, one dropped reply, one oversized request.</summary>
    private static async Task RunAsync(MiClient client, int calls, List<string> failures)
    {
        var next = -1;
        var workers = Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                var failure = await OneAsync(client, i);
                if (failure is not null)
                {
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }

    private static async Task<string?> OneAsync(MiClient client, int i)
    {
        var kind = i % 10;
        try
        {
            switch (kind)
            {
                case < 6:
                    var echo = await client.CommandAsync("echo", MiParams.Positional("v" + i));
                    return echo.GetResult()[0].GetString() == "v" + i ? null : $"call {i}: another call's reply";
                case 6:
                    var unknown = await client.CommandAsync("no_such_command");
                    return unknown.Error?.Code is -32601 ? null : $"call {i}: {unknown}";
                case 7:
                    await client.CommandAsync("boom");
                    return $"call {i}: garbage accepted";
                case 8:
                    await client.CommandAsync("silent");
                    return $"call {i}: a dropped reply answered";
                default:
                    await client.CommandAsync("echo", MiParams.Positional(new string('x', 70_000)));
                    return client.TransportName is "mi_http" or "mi_xmlrpc_ng" ? $"call {i}: oversized body accepted" : $"call {i}: oversized request sent";
            }
        }
        catch (MiTimeoutException) when (kind is 8 or 7)
        {
            // 7: over mi_datagram a plain-text reply carries no id; with several calls in flight it is named in their timeouts.
            return null;
        }
        catch (MiProtocolException) when (kind is 7 || (kind == 9 && client.TransportName is "mi_http" or "mi_xmlrpc_ng"))
        {
            return null;
        }
        catch (MiRequestTooLargeException) when (kind == 9)
        {
            return null;
        }
        catch (MiTimeoutException ex) when (kind < 6)
        {
            // Only a symptom of the loaded machine if rare; counted by the caller as a failure above a handful.
            return ex.Message.Contains("while several calls were in flight", StringComparison.Ordinal) ? null : "late: " + ex.Message;
        }
#pragma warning disable CA1031 // Any other exception is the finding.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"call {i} (kind {kind}): {ex.GetType().Name}: {ex.Message}";
        }
    }
}
