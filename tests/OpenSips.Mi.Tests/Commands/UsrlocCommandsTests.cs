using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

public sealed class UsrlocCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Show_contact_reads_the_captured_contact_raw_and_parsed()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("ul_show_contact", "datagram/ul_show_contact_positional.response");
        var aor = await s.Client.UlShowContactAsync("location", "alice", Ct);
        Assert.Equal("[\"location\",\"alice\"]", s.ParamsOf("ul_show_contact"));
        Assert.Equal("alice", aor.Aor);
        var contact = Assert.Single(aor.Contacts);
        Assert.Equal("sip:alice@127.0.0.1:5080", contact.Contact);
        Assert.Equal("4465107924305322451", contact.ContactId);
        Assert.Equal(3576, contact.Expires);
        Assert.Null(contact.Q);
        Assert.Equal(string.Empty, contact.QText);
        Assert.Equal("reg-alice-1@127.0.0.1", contact.CallId);
        Assert.Equal(1, contact.CSeq);
        Assert.Equal("opensips-wire-capture", contact.UserAgent);
        Assert.Equal("CS_NEW", contact.State);
        Assert.Equal(0, contact.Flags);
        Assert.Equal("udp:127.0.0.1:5060", contact.Socket);
        Assert.Equal(4294967295, contact.Methods);
        Assert.False(contact.IsPermanent);
    }

    [Fact]
    public async Task Show_contact_of_unknown_aor_throws_404()
    {
        await using var s = await EmulatorSession.StartAsync();
        var error = await Assert.ThrowsAsync<MiCommandException>(() => s.Client.UlShowContactAsync("location", "nobody", Ct));
        Assert.Equal(404, error.Code);
        Assert.Equal("AOR not found", error.Error.Message);
    }

    [Fact]
    public async Task Add_show_remove_contact_round_trip_through_the_emulator()
    {
        await using var s = await EmulatorSession.StartAsync();
        await s.Client.UlAddAsync("location", "carol", "sip:carol@10.0.0.7:5060", TimeSpan.FromSeconds(600), q: 0.5, cancellationToken: Ct);
        Assert.Equal("[\"location\",\"carol\",\"sip:carol@10.0.0.7:5060\",600,\"0.5\",0,0,-1]", s.ParamsOf("ul_add"));

        var aor = await s.Client.UlShowContactAsync("location", "carol", Ct);
        var contact = Assert.Single(aor.Contacts);
        Assert.Equal("sip:carol@10.0.0.7:5060", contact.Contact);
        Assert.InRange(contact.Expires!.Value, 590, 600);

        await s.Client.UlRmContactAsync("location", "carol", "sip:carol@10.0.0.7:5060", Ct);
        Assert.Equal("[\"location\",\"carol\",\"sip:carol@10.0.0.7:5060\"]", s.ParamsOf("ul_rm_contact"));
        await Assert.ThrowsAsync<MiCommandException>(() => s.Client.UlShowContactAsync("location", "carol", Ct));
    }

    [Fact]
    public async Task Dump_lists_domains_aors_and_contacts()
    {
        await using var s = await EmulatorSession.StartAsync();
        await s.Client.UlAddAsync("location", "alice", "sip:alice@127.0.0.1:5080", TimeSpan.FromHours(1), cancellationToken: Ct);
        await s.Client.UlAddAsync("location", "bob", "sip:bob@127.0.0.1:5080", TimeSpan.FromHours(1), cancellationToken: Ct);
        var dump = await s.Client.UlDumpAsync(Ct);
        var domain = Assert.Single(dump.Domains);
        Assert.Equal("location", domain.Name);
        Assert.Equal(["alice", "bob"], dump.Aors.Select(a => a.Aor).Order());
        Assert.All(dump.Aors, a => Assert.Single(a.Contacts));

        var brief = await s.Client.UlDumpBriefAsync(Ct);
        Assert.Equal("{\"brief\":1}", s.ParamsOf("ul_dump"));
        Assert.Equal(2, brief.Aors.Count());
        Assert.All(brief.Aors, a => Assert.Empty(a.Contacts));
    }

    [Fact]
    public async Task Dump_reads_the_captured_reply()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerWithCapture("ul_dump", "datagram/ul_dump.response");
        var dump = await s.Client.UlDumpAsync(Ct);
        Assert.Equal(512, dump.Domains[0].HashSize);
        Assert.Equal(["bob", "alice"], dump.Aors.Select(a => a.Aor));
        Assert.Equal("932456229098240141", dump.Aors.First().Contacts[0].ContactId);
    }

    [Fact]
    public async Task Remove_aor_and_flush()
    {
        await using var s = await EmulatorSession.StartAsync();
        await s.Client.UlAddAsync("location", "dave", "sip:dave@10.0.0.8", TimeSpan.FromSeconds(60), cancellationToken: Ct);
        await s.Client.UlRmAsync("location", "dave", Ct);
        Assert.Equal("[\"location\",\"dave\"]", s.ParamsOf("ul_rm"));
        Assert.Null(s.Emulator.State.Usrloc.Find("dave"));
        await s.Client.UlFlushAsync(Ct);
        Assert.Equal(string.Empty, s.ParamsOf("ul_flush"));
    }

    [Fact]
    public async Task Sync_treats_code_200_already_synced_as_success()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Emulator.Handle("ul_sync", _ => MiEmulatorReply.Error(200, "Contacts already synced"));
        Assert.Equal("Contacts already synced", await s.Client.UlSyncAsync("location", cancellationToken: Ct));
        Assert.Equal("[\"location\"]", s.ParamsOf("ul_sync"));

        s.Emulator.Handle("ul_sync", _ => MiEmulatorReply.Ok);
        Assert.Equal("OK", await s.Client.UlSyncAsync("location", "alice", Ct));
        Assert.Equal("[\"location\",\"alice\"]", s.ParamsOf("ul_sync"));

        s.Emulator.Handle("ul_sync", _ => MiEmulatorReply.Error(404, "Table not found"));
        await Assert.ThrowsAsync<MiCommandException>(() => s.Client.UlSyncAsync("nosuch", cancellationToken: Ct));
    }
}
