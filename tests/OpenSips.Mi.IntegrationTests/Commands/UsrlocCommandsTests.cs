using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>usrloc's typed commands against a real server whose phones really registered (the fixture's alice and bob).</summary>
public abstract class UsrlocCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private const string Table = "location";

    [Fact]
    public async Task Show_contact_of_alice_gives_the_contact_her_phone_registered()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var alice = await mi.UlShowContactAsync(Table, "alice", Ct);

        Assert.Equal("alice", alice.Aor);
        var contact = Assert.Single(alice.Contacts);
        Assert.Equal(Servers.Alice.Uri, contact.Contact);
        Assert.Equal($"reg-alice-{Servers.Alice.Port}@127.0.0.1", contact.CallId);
        Assert.Equal("opensips-mi-tests", contact.UserAgent);
        Assert.Equal($"udp:127.0.0.1:{Servers.Main.Ports.Sip}", contact.Socket);
        Assert.InRange(contact.Expires!.Value, 1, 3600);
        Assert.False(contact.IsPermanent);
        Assert.Null(contact.Q);
        Assert.True(contact.CSeq >= 1);
        Assert.Equal(4294967295L, contact.Methods);
        Assert.False(string.IsNullOrEmpty(contact.ContactId));
    }

    [Fact]
    public async Task Show_contact_of_an_aor_nobody_registered_is_404()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.UlShowContactAsync(Table, "typed-nobody", Ct));

        Assert.Equal(404, error.Code);
        Assert.Equal("AOR not found", error.Error.Message);
    }

    [Fact]
    public async Task Dump_lists_alice_and_bob_with_their_contacts_in_the_location_table()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var dump = await mi.UlDumpAsync(Ct);

        var location = Assert.Single(dump.Domains);
        Assert.Equal(Table, location.Name);
        Assert.True(location.HashSize > 0);
        Assert.Equal(Servers.Alice.Uri, Assert.Single(dump.Aors.Single(a => a.Aor == "alice").Contacts).Contact);
        Assert.Equal(Servers.Bob.Uri, Assert.Single(dump.Aors.Single(a => a.Aor == "bob").Contacts).Contact);
    }

    [Fact]
    public async Task A_brief_dump_names_the_aors_without_contacts()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var dump = await mi.UlDumpBriefAsync(Ct);

        Assert.Contains(dump.Aors, a => a.Aor == "alice");
        Assert.Contains(dump.Aors, a => a.Aor == "bob");
        Assert.All(dump.Aors, a => Assert.Empty(a.Contacts));
    }

    [Fact]
    public async Task An_added_contact_is_shown_with_its_q_and_expiry_and_rm_contact_removes_it()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var aor = "typed-" + Guid.NewGuid().ToString("N")[..12];
        const string Contact = "sip:typed@127.0.0.9:5099";
        try
        {
            await mi.UlAddAsync(Table, aor, Contact, TimeSpan.FromMinutes(10), q: 0.5, cancellationToken: Ct);
            var shown = await mi.UlShowContactAsync(Table, aor, Ct);
            await mi.UlRmContactAsync(Table, aor, Contact, Ct);
            var afterRemove = await mi.UlDumpAsync(Ct);

            var contact = Assert.Single(shown.Contacts);
            Assert.Equal(Contact, contact.Contact);
            Assert.Equal(0.5, contact.Q);
            Assert.InRange(contact.Expires!.Value, 590, 600);
            Assert.DoesNotContain(afterRemove.Aors, a => a.Aor == aor && a.Contacts.Count > 0);
        }
        finally
        {
            await RemoveQuietlyAsync(mi, aor);
        }
    }

    [Fact]
    public async Task A_permanent_contact_is_listed_by_dump_until_rm_deletes_the_aor()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var aor = "typed-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await mi.UlAddAsync(Table, aor, "sip:perm@127.0.0.9:5098", TimeSpan.Zero, cancellationToken: Ct);
            var dumped = await mi.UlDumpAsync(Ct);
            await mi.UlRmAsync(Table, aor, Ct);
            var after = await mi.UlDumpAsync(Ct);

            var contact = Assert.Single(dumped.Aors.Single(a => a.Aor == aor).Contacts);
            Assert.True(contact.IsPermanent);
            Assert.Equal("permanent", contact.ExpiresText);
            Assert.Null(contact.Expires);
            Assert.Equal(1.0, contact.Q);
            Assert.DoesNotContain(after.Aors, a => a.Aor == aor);
        }
        finally
        {
            await RemoveQuietlyAsync(mi, aor);
        }
    }

    [Fact]
    public async Task Flush_is_acknowledged_and_sync_without_a_database_is_reported()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.UlFlushAsync(Ct);
        var sync = await mi.UlSyncAsync(Table, cancellationToken: Ct);
        var syncAlice = await mi.UlSyncAsync(Table, "alice", Ct);

        Assert.Equal("Contacts already synced", sync);
        Assert.Equal("Contacts already synced", syncAlice);
    }

    private static async Task RemoveQuietlyAsync(MiClient mi, string aor)
    {
        try
        {
            await mi.UlRmAsync(Table, aor, CancellationToken.None);
        }
        catch (MiCommandException)
        {
            // Already gone: what the test wanted.
        }
    }
}

[Collection(V34.Name)]
public sealed class UsrlocCommands34(Servers34 s) : UsrlocCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class UsrlocCommands36(Servers36 s) : UsrlocCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class UsrlocCommands40(Servers40 s) : UsrlocCommandsTests<Servers40>(s);
