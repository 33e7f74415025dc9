using System.Text;
using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing.Tests.Fifo;

/// <summary>mi_fifo: captured commands replayed through real FIFOs (docs/wire-facts.md#fifo).</summary>
public class FifoTests
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(3);

    private static Task<MiEmulator> StartAsync(CancellationToken ct) =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUdp = false, EnableUnix = false, EnableTracer = false }, ct);

    private static string ReplyName(byte[] request)
    {
        var text = Encoding.UTF8.GetString(request);
        return text[1..text.IndexOf(':', 1)];
    }

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in WireData.Manifest("fifo").OfType<JsonObject>())
        {
            var name = (string)c["case"]!;
            if (c["response"] is JsonValue && WireData.Exists("fifo", name + ".request") && name != "ul_dump_500_aors"
                && WireData.Bytes("fifo", name + ".response").AsSpan().IndexOf("\"Status\""u8) < 0)
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fifo_reply_matches_the_capture(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var request = WireData.Bytes("fifo", name + ".request");
        using var reply = new ReplyFifo(emulator.FifoReplyDirectory, ReplyName(request));
        await ReplyFifo.WriteCommandAsync(emulator, request, cts.Token);
        var bytes = await reply.ReadAsync(ReplyTimeout, cts.Token);
        Assert.NotNull(bytes);
        Assert.Equal(WireData.Normalize(WireData.Bytes("fifo", name + ".response")), WireData.Normalize(bytes));
    }

    [Theory]
    [InlineData("malformed_json")]
    [InlineData("malformed_json_garbage")]
    [InlineData("notification_uptime")]
    [InlineData("fifo_reply_name_with_dot")]
    [InlineData("fifo_request_5000_bytes")]
    public async Task Nothing_is_written_back_and_the_next_command_still_works(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var request = WireData.Bytes("fifo", name + ".request");
        using (var reply = new ReplyFifo(emulator.FifoReplyDirectory, ReplyName(request)))
        {
            await ReplyFifo.WriteCommandAsync(emulator, request, cts.Token);
            Assert.Null(await reply.ReadAsync(Timeouts.Silence, cts.Token));
        }

        var check = Encoding.UTF8.GetBytes(":after:{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"id\":9}\n");
        using var after = new ReplyFifo(emulator.FifoReplyDirectory, "after");
        await ReplyFifo.WriteCommandAsync(emulator, check, cts.Token);
        Assert.Equal("{\"jsonrpc\":\"2.0\",\"result\":{\"Server\":\"OpenSIPS (3.6.8 (x86_64/linux))\"},\"id\":9}", Encoding.UTF8.GetString((await after.ReadAsync(ReplyTimeout, cts.Token))!));
    }

    [Fact]
    public async Task Empty_reply_name_executes_the_command_without_reply()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        await ReplyFifo.WriteCommandAsync(emulator, WireData.Bytes("fifo", "fifo_no_reply_name.request"), cts.Token);
        using var check = new ReplyFifo(emulator.FifoReplyDirectory, "wire_fifo_check");
        await ReplyFifo.WriteCommandAsync(emulator, WireData.Bytes("fifo", "fifo_no_reply_name.check.request"), cts.Token);
        var reply = await check.ReadAsync(ReplyTimeout, cts.Token);
        Assert.Contains("\"socket\":\"udp:127.0.0.1:9997\"", Encoding.UTF8.GetString(reply!));
    }

    [Fact]
    public async Task A_missing_reply_fifo_is_given_up_after_retries()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        await ReplyFifo.WriteCommandAsync(emulator, WireData.Bytes("fifo", "fifo_reply_fifo_missing.request"), cts.Token);
        using var check = new ReplyFifo(emulator.FifoReplyDirectory, "wire_fifo_after_missing");
        await ReplyFifo.WriteCommandAsync(emulator, WireData.Bytes("fifo", "fifo_reply_fifo_missing.check.request"), cts.Token);
        Assert.Equal(WireData.Bytes("fifo", "fifo_reply_fifo_missing.check.response"), await check.ReadAsync(ReplyTimeout, cts.Token));
        Assert.False(File.Exists(Path.Combine(emulator.FifoReplyDirectory, "wire_does_not_exist")));
    }

    [Fact]
    public async Task Two_commands_in_one_write_are_answered_in_order_on_their_own_fifos()
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        using var a = new ReplyFifo(emulator.FifoReplyDirectory, "wire_two_a");
        using var b = new ReplyFifo(emulator.FifoReplyDirectory, "wire_two_b");
        await ReplyFifo.WriteCommandAsync(emulator, WireData.Bytes("fifo", "fifo_two_commands_one_write.request"), cts.Token);
        Assert.Equal(WireData.Normalize(WireData.Bytes("fifo", "fifo_two_commands_one_write.response.a")), WireData.Normalize((await a.ReadAsync(ReplyTimeout, cts.Token))!));
        Assert.Equal(WireData.Bytes("fifo", "fifo_two_commands_one_write.response.b"), await b.ReadAsync(ReplyTimeout, cts.Token));
    }

    [Theory]
    [InlineData("fifo_crash_method_number")]
    [InlineData("fifo_crash_method_missing")]
    [InlineData("fifo_crash_batch_request")]
    public async Task Requests_that_crash_OpenSIPS_are_recorded_and_the_fifo_stops_serving(string name)
    {
        using var cts = Timeouts.Test();
        await using var emulator = await StartAsync(cts.Token);
        var request = WireData.Bytes("fifo", name + ".request");
        using var reply = new ReplyFifo(emulator.FifoReplyDirectory, ReplyName(request));
        await ReplyFifo.WriteCommandAsync(emulator, request, cts.Token);
        Assert.Null(await reply.ReadAsync(Timeouts.Silence, cts.Token));
        Assert.True(emulator.FifoCrashed);
        Assert.Equal(1, emulator.FifoCrashCount);
    }

    [Fact]
    public async Task Dispose_leaves_no_fifo_socket_or_directory_behind()
    {
        using var cts = Timeouts.Test();
        var emulator = await MiEmulator.StartAsync(cancellationToken: cts.Token);
        var paths = new[] { emulator.FifoPath, emulator.UnixSocketPath, emulator.FifoReplyDirectory };
        Assert.All(paths, p => Assert.True(File.Exists(p) || Directory.Exists(p)));
        await emulator.DisposeAsync();
        await emulator.DisposeAsync();
        Assert.All(paths, p => Assert.False(File.Exists(p) || Directory.Exists(p)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(emulator.FifoPath)));
    }
}
