using System.Diagnostics;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8, mi_fifo: a reply that never comes, a reply FIFO deleted by someone else, half a reply, a server FIFO that is
/// gone, replaced, or stuck: every call ends within its bound with a clear error, and no reply FIFO is left behind.
/// Already covered in <see cref="Fifo.FifoTransportTests"/> and not repeated: a server FIFO deleted after connect, nobody
/// reading it (ENXIO), permission denied (as root too, through setfsuid), a reply stalled mid-way against the fake server. Run with the
/// default pool of reply FIFOs (<see cref="FifoFaultTests"/>) and with a fresh FIFO per call (<see cref="FifoFaultPerCallTests"/>).
/// </summary>
public sealed class FifoFaultTests() : FifoFaultCases(reuseReplyFifos: true);

/// <inheritdoc cref="FifoFaultTests"/>
public sealed class FifoFaultPerCallTests() : FifoFaultCases(reuseReplyFifos: false);

/// <summary>The mi_fifo fault cases, for either way of using reply FIFOs.</summary>
/// <param name="reuseReplyFifos">The value of <see cref="FifoOptions.ReuseReplyFifos"/>.</param>
public abstract class FifoFaultCases(bool reuseReplyFifos) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(2500);

    private MiEmulator _emulator = null!;
    private MiClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUdp = false, EnableUnix = false }, Ct);
        _client = MiClient.Connect(Options(_emulator.FifoPath, _emulator.FifoReplyDirectory));
    }

    private FifoOptions Options(string fifo, string replies) =>
        new(fifo) { ReplyDirectory = replies, Timeout = Timeout, ReuseReplyFifos = reuseReplyFifos };

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _emulator.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    // replyClosed: OpenSIPS wrote its (bad) reply and closed the FIFO, so nothing more can arrive in it and the pool may
    // keep it; after a timeout the FIFO is always deleted.
    private async Task<TException> EndsInTimeLeavingNothingAsync<TException>(Func<Task> call, bool replyClosed = false)
        where TException : Exception
    {
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TException>(call);
        Assert.True(watch.Elapsed <= Timeout + Margin, $"{typeof(TException).Name} after {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(reuseReplyFifos && replyClosed ? 1 : 0, ProcessResources.Entries(_emulator.FifoReplyDirectory));
        return ex;
    }

    private async Task StillWorksAsync()
    {
        Assert.True((await _client.CommandAsync("uptime", Ct)).IsSuccess, "the client keeps working afterwards");

        // A fresh FIFO per call is gone after its call; the pool keeps the one that served this call, and only until dispose.
        Assert.Equal(reuseReplyFifos ? 1 : 0, ProcessResources.Entries(_emulator.FifoReplyDirectory));
        await _client.DisposeAsync();
        Assert.Equal(0, ProcessResources.Entries(_emulator.FifoReplyDirectory));
    }

    [Fact]
    public async Task A_reply_fifo_never_opened_times_out()
    {
        _emulator.Faults.Add(MiFault.NeverOpenReply(r => r.Method == "version"));

        var ex = await EndsInTimeLeavingNothingAsync<MiTimeoutException>(() => _client.CommandAsync("version", Ct));

        Assert.Contains("mi_fifo", ex.Message, StringComparison.Ordinal);
        await StillWorksAsync();
    }

    [Fact]
    public async Task A_reply_fifo_deleted_by_someone_else_times_out()
    {
        _emulator.Handle("victim", request =>
        {
            File.Delete(Path.Combine(_emulator.FifoReplyDirectory, request.FifoReplyName!));
            return MiEmulatorReply.Ok;
        });

        await EndsInTimeLeavingNothingAsync<MiTimeoutException>(() => _client.CommandAsync("victim", Ct));

        await StillWorksAsync();
    }

    [Fact]
    public async Task Half_a_reply_then_silence_times_out()
    {
        _emulator.Faults.Add(MiFault.HalfReplyThenStop(r => r.Method == "version"));

        await EndsInTimeLeavingNothingAsync<MiTimeoutException>(() => _client.CommandAsync("version", Ct));

        await StillWorksAsync();
    }

    [Fact]
    public async Task A_reply_written_after_the_timeout_finds_no_fifo_and_reaches_nobody()
    {
        _emulator.Faults.Add(MiFault.DelayReply(TimeSpan.FromMilliseconds(700), r => r.Method == "version", times: 1));

        await EndsInTimeLeavingNothingAsync<MiTimeoutException>(() => _client.CommandAsync("version", Ct));
        await Task.Delay(TimeSpan.FromMilliseconds(800), Ct);

        await StillWorksAsync();
    }

    [Fact]
    public async Task A_truncated_reply_is_a_protocol_error()
    {
        _emulator.Faults.Add(MiFault.TruncateReply(12, r => r.Method == "version", times: 1));

        await EndsInTimeLeavingNothingAsync<MiProtocolException>(() => _client.CommandAsync("version", Ct), replyClosed: true);

        await StillWorksAsync();
    }

    [Fact]
    public async Task A_server_fifo_replaced_by_a_regular_file_is_a_transport_error()
    {
        File.Delete(_emulator.FifoPath);
        await File.WriteAllTextAsync(_emulator.FifoPath, "not a fifo", Ct);

        var ex = await EndsInTimeLeavingNothingAsync<MiTransportException>(() => _client.CommandAsync("uptime", Ct));

        Assert.Contains("is not a FIFO", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_directory_removed_after_connect_is_a_transport_error()
    {
        var replies = Directory.CreateTempSubdirectory("osmi-replies-");
        await using var client = MiClient.Connect(Options(_emulator.FifoPath, replies.FullName));
        replies.Delete();

        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));

        Assert.True(watch.Elapsed < Timeout + Margin);
        Assert.Contains("cannot create a reply FIFO", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.Received, r => r.Transport == MiTransport.Fifo);
    }

    [Fact]
    public async Task A_server_fifo_that_is_full_because_opensips_is_stuck_times_out()
    {
        // A reader that never reads (OpenSIPS busy or hung) and a pipe already full of other commands.
        var root = Directory.CreateTempSubdirectory("osmi-stuck-");
        try
        {
            var stuck = Path.Combine(root.FullName, "opensips_fifo");
            Assert.Equal(0, Interop.CreateFifo(stuck, UnixFileMode.UserRead | UnixFileMode.UserWrite));
            using var reader = File.OpenHandle(stuck, FileMode.Open, FileAccess.ReadWrite);
            using (var filler = FifoNative.OpenForWriting(stuck, out var errno) ?? throw new InvalidOperationException($"errno {errno}"))
            {
                var chunk = new byte[4096];
                while (FifoNative.WriteOnce(filler, chunk) == 0)
                {
                }
            }

            await using var client = MiClient.Connect(Options(stuck, root.FullName));
            var watch = Stopwatch.StartNew();

            await Assert.ThrowsAsync<MiTimeoutException>(() => client.CommandAsync("uptime", Ct));

            Assert.True(watch.Elapsed <= Timeout + Margin, $"after {watch.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal(["opensips_fifo"], Directory.GetFileSystemEntries(root.FullName).Select(Path.GetFileName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
