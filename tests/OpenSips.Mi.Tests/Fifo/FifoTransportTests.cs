using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenSips.Mi.Tests.Fifo;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class FifoTransportTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(400);
    private readonly FakeFifoServer _server;
    private Func<FifoCommand, byte[]?> _handler = command => FakeFifoServer.CapturedReply("uptime", command);

    public FifoTransportTests()
    {
        _server = new FakeFifoServer(command => _handler(command));
    }

    public void Dispose() => _server.Dispose();

    private string[] LeftoverReplyFifos() => Directory.GetFileSystemEntries(_server.ReplyDirectory);

    [GeneratedRegex("^osmi_[0-9a-f]{32}$")]
    private static partial Regex ReplyName();

    [Fact(Timeout = 20_000)]
    public async Task Fifo_call_returns_uptime_result()
    {
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));

        var response = await client.CommandAsync("uptime", TestContext.Current.CancellationToken);

        Assert.Equal("56 [sec]", response.GetResult().GetProperty("Up time").GetString());
        var command = Assert.Single(_server.Commands);
        Assert.Matches(ReplyName(), command.ReplyName);
        Assert.Equal($"{{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":{command.Id}}}", command.Json);

        // The default pool keeps the reply FIFO for the next call while the client lives, and removes it on dispose.
        Assert.Equal(command.ReplyName, Path.GetFileName(Assert.Single(LeftoverReplyFifos())));
        await client.DisposeAsync();
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_reply_fifo_is_writable_by_others_and_readable_only_by_us()
    {
        UnixFileMode? seen = null;
        _handler = command =>
        {
            seen = File.GetUnixFileMode(Path.Combine(_server.ReplyDirectory, command.ReplyName));
            return FakeFifoServer.CapturedReply("uptime", command);
        };
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));

        await client.CommandAsync("uptime", TestContext.Current.CancellationToken);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite, seen);
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_big_reply_arrives_whole()
    {
        _handler = command => FakeFifoServer.CapturedReply("ul_dump_500_aors", command);
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(10)));

        var response = await client.CommandAsync("ul_dump", TestContext.Current.CancellationToken);

        var aors = response.GetResult().GetProperty("Domains")[0].GetProperty("AORs");
        Assert.Equal(502, aors.GetArrayLength());
        Assert.True(response.ToString().Length > 148_000);
        await client.DisposeAsync();
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_without_reply_times_out_and_leaves_no_reply_fifo()
    {
        _handler = _ => null;
        await using var client = MiClient.Connect(_server.Options(Short));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("uptime", TestContext.Current.CancellationToken));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.Contains("mi_fifo", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Commands);
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_cancellation_ends_the_call_and_removes_the_reply_fifo()
    {
        _handler = _ => null;
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(30)));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(200);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CommandAsync("uptime", cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.Empty(LeftoverReplyFifos());
    }

    [Theory(Timeout = 30_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fifo_concurrent_calls_each_get_their_own_reply(bool reuseReplyFifos)
    {
        _handler = command => Encoding.UTF8.GetBytes(
            $"{{\"jsonrpc\":\"2.0\",\"result\":{{\"echo\":{command.Json[(command.Json.IndexOf("\"params\":[", StringComparison.Ordinal) + 10)..command.Json.IndexOf(']', StringComparison.Ordinal)]}}},\"id\":{command.Id}}}");
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(10)) with { ReuseReplyFifos = reuseReplyFifos });

        var calls = Enumerable.Range(0, 50).Select(i => client.CommandAsync("echo", MiParams.Positional(i), TestContext.Current.CancellationToken)).ToArray();
        var responses = await Task.WhenAll(calls);

        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Equal(i, responses[i].GetResult().GetProperty("echo").GetInt32());
        }

        // Calls in flight at once never share a FIFO; a fresh one per call means 50 names, the pool reuses freed ones.
        var names = _server.Commands.Select(c => c.ReplyName).Distinct().Count();
        Assert.InRange(names, reuseReplyFifos ? 1 : 50, 50);
        await client.DisposeAsync();
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_request_over_4096_bytes_is_refused_before_sending()
    {
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<MiRequestTooLargeException>(() => client.CommandAsync("echo", MiParams.Positional(new string('x', 5000)), TestContext.Current.CancellationToken));

        Assert.Equal("mi_fifo", error.Transport);
        Assert.Empty(_server.Commands);
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_command_of_exactly_4096_bytes_is_sent_and_one_more_byte_is_refused()
    {
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));
        var empty = new ArrayBufferWriter<byte>();
        JsonRpcCodec.Instance.EncodeRequest(empty, "echo", MiParams.Positional(string.Empty), client.PeekNextId());
        var fill = FifoOptions.MaxRequestBytes - FifoExchange.CommandOverhead - empty.WrittenCount;

        // The next two ids have the same number of digits, so both JSON texts are exactly as long as measured.
        await client.CommandAsync("echo", MiParams.Positional(new string('x', fill)), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<MiRequestTooLargeException>(() => client.CommandAsync("echo", MiParams.Positional(new string('x', fill + 1)), TestContext.Current.CancellationToken));

        var command = Assert.Single(_server.Commands);
        Assert.Equal(FifoOptions.MaxRequestBytes, 1 + command.ReplyName.Length + 1 + Encoding.UTF8.GetByteCount(command.Json) + 1);
    }

    [Fact]
    public void Fifo_missing_at_connect_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => MiClient.Connect(new FifoOptions(Path.Combine(_server.Root, "nosuch_fifo")) { ReplyDirectory = _server.ReplyDirectory }));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_that_disappears_later_is_a_transport_error()
    {
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));
        File.Delete(_server.FifoPath);

        var error = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", TestContext.Current.CancellationToken));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_nobody_reads_is_reported_at_once()
    {
        var lonely = Path.Combine(_server.Root, "lonely_fifo");
        Assert.Equal(0, Interop.CreateFifo(lonely, UnixFileMode.UserRead | UnixFileMode.UserWrite));
        await using var client = MiClient.Connect(new FifoOptions(lonely) { ReplyDirectory = _server.ReplyDirectory, Timeout = TimeSpan.FromSeconds(10) });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", TestContext.Current.CancellationToken));

        Assert.Contains("OpenSIPS is not running", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Empty(LeftoverReplyFifos());
    }

    private const uint NobodyUid = 65534;

    // Linux: the filesystem uid of the calling thread only; returns the previous one.
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "setfsuid")]
    private static partial int SetFsUid(uint fsuid);

    [Fact(Timeout = 20_000)]
    public async Task Fifo_permission_denied_names_owner_and_mode()
    {
        File.SetUnixFileMode(_server.FifoPath, UnixFileMode.UserRead);
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));

        // Root bypasses file modes (CI runs as root). There the call is started with this thread's filesystem uid set to
        // nobody's, which drops that bypass for this thread alone: the reply FIFO is created and OpenSIPS's FIFO opened
        // before the call's first await, so both happen as nobody, and the uid is restored before anything else runs here.
        Task<MiResponse> call;
        if (Environment.UserName == "root")
        {
            File.SetUnixFileMode(_server.ReplyDirectory, (UnixFileMode)0b111_111_111);
            var previous = SetFsUid(NobodyUid);
            try
            {
                call = client.CommandAsync("uptime", TestContext.Current.CancellationToken);
            }
            finally
            {
                Assert.Equal((int)NobodyUid, SetFsUid((uint)previous));
            }
        }
        else
        {
            call = client.CommandAsync("uptime", TestContext.Current.CancellationToken);
        }

        var error = await Assert.ThrowsAsync<MiTransportException>(() => call);

        Assert.Contains("mode 0400", error.Message, StringComparison.Ordinal);
        Assert.Contains("fs.protected_fifos", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_plain_text_reply_is_a_protocol_error()
    {
        _handler = _ => "failed to print response"u8.ToArray();
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)));

        await Assert.ThrowsAsync<MiProtocolException>(() => client.CommandAsync("uptime", TestContext.Current.CancellationToken));
        await client.DisposeAsync();
        Assert.Empty(LeftoverReplyFifos());
    }

    [Theory(Timeout = 20_000)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"method\":\"uptime\",\"id\":1}]", "batch")]
    [InlineData("  [ ]", "batch")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}", "no \"method\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":1}", "not a string")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":null,\"id\":1}", "not a string")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"params\":{\"method\":\"x\"},\"id\":1}", "no \"method\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"uptime\"", "not valid JSON")]
    [InlineData("", "empty")]
    public async Task Fifo_refuses_requests_that_crash_or_silence_OpenSIPS(string json, string reason)
    {
        await using var transport = FifoExchange.Create(_server.Options(TimeSpan.FromSeconds(5)));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => transport.ExchangeAsync(new MiExchangeRequest(Encoding.UTF8.GetBytes(json), 1, System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 5), TestContext.Current.CancellationToken).AsTask());

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Commands);
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact]
    public async Task Fifo_transport_limit_leaves_room_for_the_prefix_and_newline()
    {
        await using var transport = FifoExchange.Create(_server.Options(TimeSpan.FromSeconds(5)));

        Assert.Equal(4096 - (":".Length + 37 + ":".Length + "\n".Length), transport.MaxRequestBytes);
    }

    [Fact]
    public void Fifo_owner_description_names_uid_and_mode() =>
        Assert.Matches("^owner uid [0-9]+, gid [0-9]+, mode 0600; this process runs as uid [0-9]+$", FifoNative.DescribeOwner(_server.FifoPath));

    [Fact(Timeout = 20_000)]
    public async Task Fifo_reply_stalled_mid_way_still_ends_at_the_timeout()
    {
        var stalled = new List<FileStream>();
        _handler = command =>
        {
            // A writer that sends half a reply and never closes: the reader must still be released.
            var writer = new FileStream(Path.Combine(_server.ReplyDirectory, command.ReplyName), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            writer.Write("{\"jsonrpc\":\"2.0\","u8);
            lock (stalled)
            {
                stalled.Add(writer);
            }

            return null;
        };
        await using var client = MiClient.Connect(_server.Options(Short));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("uptime", TestContext.Current.CancellationToken));

        Assert.True(watch.Elapsed < Short + TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
        Assert.Empty(LeftoverReplyFifos());
        foreach (var writer in stalled)
        {
            await writer.DisposeAsync();
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Fifo_call_waiting_when_the_client_is_disposed_ends_with_ObjectDisposedException()
    {
        _handler = _ => null;
        var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(30)));
        var call = client.CommandAsync("uptime", TestContext.Current.CancellationToken);
        while (_server.Commands.Count == 0)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call);
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task Reused_reply_fifos_serve_call_after_call_and_are_removed_on_dispose()
    {
        var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)) with { ReuseReplyFifos = true });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("56 [sec]", (await client.CommandAsync("uptime", TestContext.Current.CancellationToken)).GetResult().GetProperty("Up time").GetString());
        }

        var name = Assert.Single(_server.Commands.Select(c => c.ReplyName).Distinct());
        Assert.Matches(ReplyName(), name);
        Assert.Equal([name], LeftoverReplyFifos().Select(Path.GetFileName));
        await client.DisposeAsync();
        Assert.Empty(LeftoverReplyFifos());
    }

    [Fact(Timeout = 20_000)]
    public async Task A_reused_reply_fifo_whose_call_timed_out_is_retired_and_its_late_reply_reaches_no_other_call()
    {
        var late = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler = command =>
        {
            if (command.Method == "slow")
            {
                late.TrySetResult(command.ReplyName);
                return null;
            }

            return FakeFifoServer.CapturedReply("uptime", command);
        };
        await using var client = MiClient.Connect(_server.Options(TimeSpan.FromSeconds(5)) with { ReuseReplyFifos = true });
        await client.CommandAsync("uptime", TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("slow", null, Short, TestContext.Current.CancellationToken));
        var slowName = await late.Task;

        // The FIFO of the timed-out call is gone; a reply written there now fails instead of reaching the next call.
        Assert.False(File.Exists(Path.Combine(_server.ReplyDirectory, slowName)));
        var next = await client.CommandAsync("uptime", TestContext.Current.CancellationToken);
        Assert.Equal("56 [sec]", next.GetResult().GetProperty("Up time").GetString());
        Assert.NotEqual(slowName, _server.Commands.Last().ReplyName);
    }
}
