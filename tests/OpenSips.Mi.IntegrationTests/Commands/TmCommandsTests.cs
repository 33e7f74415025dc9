using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>tm's typed commands (TmCommands) against a real server sending real SIP to loopback phones.</summary>
public abstract class TmCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private static string Headers(string to) => $"From: <sip:mi@127.0.0.1>;tag=typed{Guid.NewGuid():N}\r\nTo: <{to}>\r\n";

    [Fact]
    public async Task T_uac_dlg_returns_the_phone_final_reply_with_its_headers()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var reply = await mi.TUacDlgAsync("OPTIONS", Servers.Bob.Uri, Headers(Servers.Bob.Uri), timeout: TimeSpan.FromSeconds(10), cancellationToken: Ct);

        Assert.Equal("200 OK", reply.Status);
        Assert.Equal(200, reply.StatusCode);
        Assert.Equal("OK", reply.Reason);
        Assert.True(reply.IsSuccess);
        Assert.Contains("User-Agent: opensips-mi-test-phone", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task T_uac_dlg_to_a_busy_phone_returns_486_as_a_result_not_an_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        await using var busy = new SipPhone("busy", SipAnswer.Busy);

        var reply = await mi.TUacDlgAsync("OPTIONS", busy.Uri, Headers(busy.Uri), timeout: TimeSpan.FromSeconds(10), cancellationToken: Ct);

        Assert.Equal(486, reply.StatusCode);
        Assert.Equal("Busy Here", reply.Reason);
        Assert.False(reply.IsSuccess);
    }

    [Fact]
    public async Task T_uac_dlg_without_a_from_header_is_rejected_before_sending()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(
            () => mi.TUacDlgAsync("OPTIONS", Servers.Bob.Uri, $"To: <{Servers.Bob.Uri}>\r\n", timeout: TimeSpan.FromSeconds(10), cancellationToken: Ct));

        Assert.Equal(400, error.Code);
    }

    [Fact]
    public async Task T_uac_cancel_cancels_a_pending_invite()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        await using var silent = new SipPhone("silent", SipAnswer.Silent);
        var pending = mi.TUacDlgAsync("INVITE", silent.Uri, Headers(silent.Uri) + $"Contact: <sip:mi@127.0.0.1>\r\n", timeout: TimeSpan.FromSeconds(40), cancellationToken: Ct);
        var invite = await silent.NextRequestAsync(TimeSpan.FromSeconds(10), "INVITE");
        var callId = invite["Call-ID"]!;
        var cseq = invite["CSeq"]!.Split(' ')[0];

        await mi.TUacCancelAsync(callId, cseq, Ct);
        var reply = await pending;

        Assert.True(reply.StatusCode >= 400, reply.Status);
    }

    [Fact]
    public async Task T_uac_cancel_of_an_unknown_transaction_is_481()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.TUacCancelAsync("typed-no-such-call@127.0.0.1", "1", Ct));

        Assert.Equal(481, error.Code);
        Assert.Equal("No such transaction", error.Error.Message);
    }

    [Fact]
    public async Task T_reply_to_an_unknown_transaction_is_an_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.TReplyAsync(200, "OK", "1:1", "typed", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }
}

[Collection(V34.Name)]
public sealed class TmCommands34(Servers34 s) : TmCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class TmCommands36(Servers36 s) : TmCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class TmCommands40(Servers40 s) : TmCommandsTests<Servers40>(s);
