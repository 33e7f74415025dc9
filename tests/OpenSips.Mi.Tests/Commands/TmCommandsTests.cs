using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

public sealed class TmCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Headers = "From: <sip:opensips@127.0.0.1>;tag=abc\r\nTo: <sip:alice@127.0.0.1>\r\nEvent: check-sync\r\n";

    [Fact]
    public async Task Uac_dlg_sends_named_params_and_reads_the_captured_486()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("t_uac_dlg", "datagram/dg_t_uac_dlg_486.response");
        var reply = await s.Client.TUacDlgAsync("NOTIFY", "sip:alice@127.0.0.1:5080", Headers, nextHop: "sip:127.0.0.1:5080", timeout: TimeSpan.FromSeconds(10), cancellationToken: Ct);
        var sent = s.Last("t_uac_dlg");
        Assert.True(sent.IsNamed);
        Assert.Equal("NOTIFY", sent.GetString("method"));
        Assert.Equal(Headers, sent.GetString("headers"));
        Assert.Equal("sip:127.0.0.1:5080", sent.GetString("next_hop"));
        Assert.False(sent.HasParam("socket"));
        Assert.Equal("486 Busy Here", reply.Status);
        Assert.Equal(486, reply.StatusCode);
        Assert.Equal("Busy Here", reply.Reason);
        Assert.False(reply.IsSuccess);
        Assert.NotNull(reply.Message);
    }

    [Fact]
    public async Task Uac_dlg_timeout_408_has_no_message()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("t_uac_dlg", "datagram/dg_t_uac_dlg_timeout_408.response");
        var reply = await s.Client.TUacDlgAsync("NOTIFY", "sip:alice@127.0.0.1:5090", Headers, cancellationToken: Ct);
        Assert.Equal(408, reply.StatusCode);
        Assert.Null(reply.Message);
    }

    [Fact]
    public async Task Uac_dlg_rejected_before_sending_throws()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("t_uac_dlg", _ => MiEmulatorReply.Error(400, "From missing"));
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.TUacDlgAsync("NOTIFY", "sip:a@b", "To: <sip:a@b>\r\n", cancellationToken: Ct));
        Assert.Equal(400, error.Code);
    }

    [Fact]
    public async Task Uac_cancel_sends_callid_and_cseq()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("t_uac_cancel");
        await s.Client.TUacCancelAsync("call-1@host", "10", Ct);
        Assert.Equal("[\"call-1@host\",\"10\"]", s.ParamsOf("t_uac_cancel"));
        s.Emulator.Handle("t_uac_cancel", _ => MiEmulatorReply.Error(481, "No such transaction"));
        Assert.Equal(481, (await Assert.ThrowsAsync<MiCommandException>(() => s.Client.TUacCancelAsync("x", "1", Ct))).Code);
    }

    [Fact]
    public async Task Hash_reads_the_buckets()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("t_hash", null, "[{\"index\":0,\"Current\":1,\"Total\":10},{\"index\":1,\"Current\":0,\"Total\":3}]");
        var buckets = await s.Client.THashAsync(cancellationToken: Ct);
        Assert.Equal(2, buckets.Count);
        Assert.Equal(10, buckets[0].Total);
        Assert.Equal(1, buckets[1].Index);
    }

    [Fact]
    public async Task Reply_sends_only_named_params()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("t_reply");
        await s.Client.TReplyAsync(486, "Busy Here", "1234:5678", "totag1", body: "x", cancellationToken: Ct);
        Assert.Equal("{\"code\":486,\"reason\":\"Busy Here\",\"trans_id\":\"1234:5678\",\"to_tag\":\"totag1\",\"body\":\"x\"}", s.ParamsOf("t_reply"));
    }
}
