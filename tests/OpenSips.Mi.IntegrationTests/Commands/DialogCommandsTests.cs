using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>
/// dialog's typed commands against real dialogs: alice calls bob through the server, whose script creates the dialog
/// and puts it in the profiles <c>calls</c> and <c>caller</c>/<c>alice</c>. Every test ends the dialogs it made.
/// </summary>
public abstract class DialogCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task Dlg_list_of_the_call_gives_its_state_parties_tags_and_legs()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var call = await CallAsync();
        try
        {
            var list = await mi.DlgListAsync(call.CallId, call.FromTag, Ct);

            var dialog = Assert.Single(list.Dialogs);
            Assert.Equal(DialogState.Confirmed, dialog.State);
            Assert.Equal(call.CallId, dialog.CallId);
            Assert.Equal("sip:alice@127.0.0.1", dialog.FromUri);
            Assert.Equal(Servers.Bob.Uri, dialog.ToUri);
            Assert.Equal(call.FromTag, dialog.CallerTag);
            Assert.Equal(Servers.Alice.Uri, dialog.CallerContact);
            Assert.NotNull(dialog.TimeStart);
            Assert.InRange(dialog.TimeStart!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.Matches("^[0-9a-f]+\\.[0-9a-f]+$", dialog.Id!);
            var callee = Assert.Single(dialog.Callees);
            Assert.Equal(call.ToTag, callee.Tag);
            Assert.Equal(Servers.Bob.Uri, callee.Contact);
            Assert.Null(dialog.Context);
        }
        finally
        {
            await EndAsync(mi, call);
        }
    }

    [Fact]
    public async Task Dlg_list_ctx_shows_the_profiles_the_script_put_the_call_in()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var call = await CallAsync();
        try
        {
            var list = await mi.DlgListCtxAsync(call.CallId, cancellationToken: Ct);
            var all = await mi.DlgListCtxAsync(Ct);
            var page = await mi.DlgListCtxAsync(0, 1000, Ct);

            Assert.NotNull(all.Dialogs.Single(d => d.CallId == call.CallId).Context);
            Assert.NotNull(page.Dialogs.Single(d => d.CallId == call.CallId).Context);
            Assert.Equal(page.Dialogs.Count, page.Count);
            var context = Assert.Single(list.Dialogs).Context;
            Assert.NotNull(context);
            Assert.Contains(new KeyValuePair<string, string?>("caller", "alice"), context.Profiles);
            Assert.Contains(context.Profiles, p => p.Key == "calls");
        }
        finally
        {
            await EndAsync(mi, call);
        }
    }

    [Fact]
    public async Task A_page_of_dlg_list_carries_the_total_count()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var first = await CallAsync();
        var second = await CallAsync();
        try
        {
            // Ended dialogs of earlier tests may still be listed (state 5) until tm forgets their BYEs, so the total
            // is checked against a page holding every dialog of the same reply.
            var one = await mi.DlgListAsync(0, 1, Ct);
            var everything = await mi.DlgListAsync(0, 1000, Ct);
            var all = await mi.DlgListAsync(Ct);

            Assert.Single(one.Dialogs);
            Assert.True(one.Count >= 2, $"count {one.Count}");
            Assert.Equal(everything.Dialogs.Count, everything.Count);
            Assert.Null(all.Count);
            Assert.Contains(all.Dialogs, d => d.CallId == first.CallId && d.State == DialogState.Confirmed);
            Assert.Contains(all.Dialogs, d => d.CallId == second.CallId && d.State == DialogState.Confirmed);
        }
        finally
        {
            await EndAsync(mi, first);
            await EndAsync(mi, second);
        }
    }

    [Fact]
    public async Task Profiles_count_and_list_the_call_by_profile_and_value()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var call = await CallAsync();
        try
        {
            var calls = await mi.ProfileGetSizeAsync("calls", cancellationToken: Ct);
            var byAlice = await mi.ProfileGetSizeAsync("caller", "alice", Ct);
            var byBob = await mi.ProfileGetSizeAsync("caller", "bob", Ct);
            var listed = await mi.ProfileListDlgsAsync("caller", "alice", Ct);

            Assert.Equal("calls", calls.Name);
            Assert.Equal(1, calls.Count);
            Assert.Null(calls.Value);
            Assert.False(calls.Shared);
            Assert.False(calls.Replicated);
            Assert.Equal("alice", byAlice.Value);
            Assert.Equal(1, byAlice.Count);
            Assert.Equal(0, byBob.Count);
            Assert.Equal(call.CallId, Assert.Single(listed.Dialogs).CallId);
        }
        finally
        {
            await EndAsync(mi, call);
        }
    }

    [Fact]
    public async Task List_all_profiles_names_the_script_profiles_and_whether_they_keep_a_value()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var profiles = await mi.ListAllProfilesAsync(Ct);

        Assert.Contains(profiles, p => p.Name == "calls" && p.HasValue == false);
        Assert.Contains(profiles, p => p.Name == "caller" && p.HasValue == true);
    }

    [Fact]
    public async Task An_unknown_profile_is_an_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.ProfileGetSizeAsync("typed_no_such_profile", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }

    [Fact]
    public async Task Dlg_end_dlg_sends_bye_with_the_extra_headers_to_both_phones_and_the_dialog_is_gone()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var call = await CallAsync();
        var dialog = Assert.Single((await mi.DlgListAsync(call.CallId, cancellationToken: Ct)).Dialogs);

        await mi.DlgEndDlgAsync(dialog.Id!, "X-Reason: typed-test\r\n", Ct);

        var aliceBye = await Servers.Alice.NextAsync("BYE", call.CallId);
        var bobBye = await Servers.Bob.NextAsync("BYE", call.CallId);
        Assert.Equal("typed-test", aliceBye["X-Reason"]);
        Assert.Equal("typed-test", bobBye["X-Reason"]);
        Assert.StartsWith("BYE " + Servers.Alice.Uri, aliceBye.StartLine, StringComparison.Ordinal);
        Assert.StartsWith("BYE " + Servers.Bob.Uri, bobBye.StartLine, StringComparison.Ordinal);
        await WaitUntilGoneAsync(mi, call);
        Assert.Equal(0, (await mi.ProfileGetSizeAsync("caller", "alice", Ct)).Count);
    }

    [Fact]
    public async Task Dlg_end_dlg_of_an_unknown_dialog_is_404()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.DlgEndDlgAsync("123:456", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }

    private async Task<SipCall> CallAsync()
    {
        var call = await Servers.Alice.CallAsync(Servers.Main.SipEndPoint, Servers.Bob.Uri, Ct);
        Assert.Equal(200, call.Final.StatusCode);
        return call;
    }

    /// <summary>Ends the call's dialog if it is still there, and waits until the server forgot it.</summary>
    private static async Task EndAsync(MiClient mi, SipCall call)
    {
        DialogList list;
        try
        {
            list = await mi.DlgListAsync(call.CallId, cancellationToken: CancellationToken.None);
        }
        catch (MiCommandException)
        {
            return;
        }

        foreach (var dialog in list.Dialogs.Where(d => d.Id is not null && d.State != DialogState.Deleted))
        {
            await mi.DlgEndDlgAsync(dialog.Id!, cancellationToken: CancellationToken.None);
        }

        await WaitUntilGoneAsync(mi, call);
    }

    private static async Task WaitUntilGoneAsync(MiClient mi, SipCall call)
    {
        // A dialog ended by BYE is deleted once both BYE transactions complete.
        for (var i = 0; i < 100; i++)
        {
            try
            {
                var list = await mi.DlgListAsync(call.CallId, cancellationToken: CancellationToken.None);
                if (list.Dialogs.All(d => d.State == DialogState.Deleted))
                {
                    return;
                }
            }
            catch (MiCommandException ex) when (ex.Code == 404)
            {
                return;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        throw new TimeoutException($"dialog {call.CallId} was still listed 5 s after it ended");
    }
}

[Collection(V34.Name)]
public sealed class DialogCommands34(Servers34 s) : DialogCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class DialogCommands36(Servers36 s) : DialogCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class DialogCommands40(Servers40 s) : DialogCommandsTests<Servers40>(s);
